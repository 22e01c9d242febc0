using EdgeTransfer.Runtime.Versioning;

namespace EdgeTransfer.Runtime.Heads;

/// <summary>One promoted head of a <see cref="HeadRegistry"/>, as recorded in its checkpoint's metadata.</summary>
public sealed record HeadVersion : IRegistryVersion
{
    /// <summary>The version number (1, 2, 3 …), increasing with every promotion and rollback.</summary>
    public required int Number { get; init; }

    /// <summary>The version as people read it: <c>v0003</c>.</summary>
    public string Name => HeadRegistry.VersionName(Number);

    /// <summary>The full path of the checkpoint file (<c>…/heads/v0003.etck</c>).</summary>
    public required string Path { get; init; }

    /// <summary>When the version was promoted (UTC).</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>How it came to be.</summary>
    public required HeadSource Source { get; init; }

    /// <summary>The version that was in service before this one (what <see cref="HeadRegistry.Rollback"/> returns to), or null for the first.</summary>
    public int? Previous { get; init; }

    /// <summary>For a rollback: the version it restores.</summary>
    public int? RestoredFrom { get; init; }

    /// <summary>The metrics it was promoted with, or null for the bundle's initial head.</summary>
    public HeadMetrics? Metrics { get; init; }
}
