namespace EdgeTransfer.Artifacts.Manifest;

/// <summary>A head parameter: its graph input name and shape.</summary>
public sealed record ParameterSpec
{
    /// <summary>The graph input name (<c>head.weight</c>).</summary>
    public required string Name { get; init; }

    /// <summary>The dimensions, row-major.</summary>
    public required IReadOnlyList<long> Shape { get; init; }
}
