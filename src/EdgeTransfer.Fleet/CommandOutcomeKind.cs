namespace EdgeTransfer.Fleet;

/// <summary>How one device's command ended.</summary>
public enum CommandOutcomeKind
{
    /// <summary>The device replied <c>ok: true</c>.</summary>
    Ok,

    /// <summary>The device replied <c>ok: false</c> with an error code and message.</summary>
    Error,

    /// <summary>No reply within the timeout (offline, busy, or the request was lost).</summary>
    TimedOut,

    /// <summary>Not sent: the device's retained status says it is offline (a persistent session would run it whenever it returns).</summary>
    Skipped,

    /// <summary>The request could not be published (connection lost, refused by the broker's ACL).</summary>
    Failed,
}
