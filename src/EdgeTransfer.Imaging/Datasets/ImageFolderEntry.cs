namespace EdgeTransfer.Imaging.Datasets;

/// <summary>One image file of an <see cref="ImageFolderDataset"/>.</summary>
/// <param name="Path">The full path of the file.</param>
/// <param name="ClassIndex">The index into <see cref="ImageFolderDataset.ClassNames"/>, or -1 in a flat folder.</param>
/// <param name="ClassName">The class (the name of the sub-folder), or null in a flat folder.</param>
public sealed record ImageFolderEntry(string Path, int ClassIndex, string? ClassName);
