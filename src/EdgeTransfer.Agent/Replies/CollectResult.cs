namespace EdgeTransfer.Agent.Replies;

/// <summary>The <c>result</c> of a <c>collect</c> reply.</summary>
public sealed record CollectResult
{
    /// <summary><c>start</c> or <c>stop</c>.</summary>
    public string Action { get; init; } = "";

    /// <summary>The class being collected (start), or null.</summary>
    public string? Label { get; init; }

    /// <summary>The limit of the session started, or null for none.</summary>
    public int? MaxSamples { get; init; }

    /// <summary>Samples the stopped session stored (stop), or null.</summary>
    public int? Stored { get; init; }

    /// <summary>Samples in the store now.</summary>
    public int Samples { get; init; }
}
