namespace EdgeTransfer.Runtime.Capture;

/// <summary>The state part of a <see cref="SourceStatus"/>.</summary>
public enum SourceState
{
    /// <summary>Not opened yet, or closed.</summary>
    Offline,

    /// <summary>Delivering frames.</summary>
    Online,

    /// <summary>Lost (camera unplugged, device missing) and waiting to reopen with back-off.</summary>
    Reconnecting,

    /// <summary>Given up: a configuration error, or the retry limit was reached.</summary>
    Failed,
}
