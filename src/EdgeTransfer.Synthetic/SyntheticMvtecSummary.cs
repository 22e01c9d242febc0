namespace EdgeTransfer.Synthetic;

/// <summary>What <see cref="SyntheticMvtecDataset"/> wrote.</summary>
/// <param name="Directory">The category folder.</param>
/// <param name="Category">The category's name.</param>
/// <param name="Defects">The defect kinds of the test parts.</param>
/// <param name="Images">Every image written, as full paths: train/good, test/good, then each defect kind.</param>
/// <param name="Masks">Every mask written, as full paths, in the order of the defect images.</param>
public sealed record SyntheticMvtecSummary(string Directory, string Category, IReadOnlyList<string> Defects, IReadOnlyList<string> Images, IReadOnlyList<string> Masks);
