namespace EdgeTransfer.Artifacts.Manifest;

/// <summary>The backbone's output: the features the head learns from.</summary>
public sealed record FeatureInfo
{
    /// <summary>The name of the backbone's feature output (<c>features</c>).</summary>
    public required string Tensor { get; init; }

    /// <summary>The length D of one feature vector ([N,D]).</summary>
    public required int Size { get; init; }
}
