namespace EdgeTransfer.Agent.Replies;

/// <summary>The head in service, in a <see cref="StatusReport"/>.</summary>
public sealed record HeadReport
{
    /// <summary>The version number.</summary>
    public long Version { get; init; }

    /// <summary>The version name (<c>v0003</c>).</summary>
    public string Name { get; init; } = "";

    /// <summary>Where it came from (<c>initial</c>, <c>trained</c>, <c>rollback</c>).</summary>
    public string Source { get; init; } = "";

    /// <summary>The validation accuracy it was promoted with, 0 to 1, or null.</summary>
    public double? Accuracy { get; init; }

    /// <summary>The validation samples behind <see cref="Accuracy"/>, or null.</summary>
    public int? ValidationSamples { get; init; }

    /// <summary>The version a rollback would restore, or null.</summary>
    public long? Previous { get; init; }
}
