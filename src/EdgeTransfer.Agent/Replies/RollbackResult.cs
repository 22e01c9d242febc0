namespace EdgeTransfer.Agent.Replies;

/// <summary>The <c>result</c> of a <c>rollback</c> reply: the head in service now.</summary>
public sealed record RollbackResult
{
    /// <summary>The head version number in service.</summary>
    public long HeadVersion { get; init; }

    /// <summary>Its name (<c>v0003</c>).</summary>
    public string Name { get; init; } = "";

    /// <summary>The version it is a copy of, or null when nothing changed.</summary>
    public long? RestoredFrom { get; init; }

    /// <summary>Whether the head in service changed (false: the requested version was in service already).</summary>
    public bool Changed { get; init; }
}
