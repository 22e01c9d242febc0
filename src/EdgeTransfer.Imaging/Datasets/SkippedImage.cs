namespace EdgeTransfer.Imaging.Datasets;

/// <summary>A file of a data set that was not used, and why.</summary>
/// <param name="Path">The full path of the file.</param>
/// <param name="Reason">Why it was skipped, as a sentence.</param>
public sealed record SkippedImage(string Path, string Reason);
