namespace EdgeTransfer.Synthetic;

/// <summary>What <see cref="SyntheticDataset"/> wrote.</summary>
/// <param name="Directory">The output folder.</param>
/// <param name="Classes">The classes, in the given order (canonical names).</param>
/// <param name="Files">Every file written, as full paths, in a stable order (split, class, index).</param>
public sealed record SyntheticDatasetSummary(string Directory, IReadOnlyList<string> Classes, IReadOnlyList<string> Files);
