namespace EdgeTransfer.Artifacts.Manifest;

/// <summary>
/// Mid-level feature maps that the backbone graph outputs beside the pooled features (format 2; absent in
/// format 1 and in bundles prepared with <c>--patch-layers none</c>). They come from the same backbone run.
/// </summary>
public sealed record PatchFeaturesInfo
{
    /// <summary>The version of this section that this library writes and reads.</summary>
    public const int CurrentVersion = 1;

    /// <summary>The most patch layers a bundle may describe.</summary>
    public const int MaxLayers = 8;

    /// <summary>The section's version (<see cref="CurrentVersion"/>).</summary>
    public int Version { get; init; } = CurrentVersion;

    /// <summary>The feature maps, shallowest first.</summary>
    public required IReadOnlyList<PatchLayerInfo> Layers { get; init; }
}
