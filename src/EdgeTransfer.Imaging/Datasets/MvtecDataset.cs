namespace EdgeTransfer.Imaging.Datasets;

/// <summary>
/// A folder in the MVTec AD layout (the layout of anomalib, PatchCore and the papers): either a root
/// holding one or more category folders, or a single category folder.
/// </summary>
/// <remarks>
/// A folder with a <c>train</c> sub-folder is one category; otherwise each sub-folder holding
/// <c>train</c>, <c>test</c> or <c>ground_truth</c> is a category, and other sub-folders are skipped with
/// their reason. Hidden files and folders (starting with '.') are ignored; order is ordinal, as in
/// <see cref="ImageFolderDataset"/>. Every category is checked when the folder is opened (see
/// <see cref="MvtecCategory.Open"/>), so a bad one fails before any work is done on the others.
/// </remarks>
public sealed class MvtecDataset
{
    private static readonly string[] CategoryFolders = [MvtecCategory.TrainFolder, MvtecCategory.TestFolder, MvtecCategory.GroundTruthFolder];

    private MvtecDataset(string directory, IReadOnlyList<MvtecCategory> categories, IReadOnlyList<SkippedImage> skipped)
    {
        Directory = directory;
        Categories = categories;
        Skipped = skipped;
    }

    /// <summary>The full path of the folder.</summary>
    public string Directory { get; }

    /// <summary>The categories, sorted ordinally by name.</summary>
    public IReadOnlyList<MvtecCategory> Categories { get; }

    /// <summary>Sub-folders of the root that are not categories, and why.</summary>
    public IReadOnlyList<SkippedImage> Skipped { get; }

    /// <summary>Lists and checks the folder (no image is decoded).</summary>
    /// <param name="directory">A root of category folders, or one category folder.</param>
    /// <returns>The data set.</returns>
    /// <exception cref="ImageDatasetException">
    /// The folder is missing or unreadable, holds no category, or a category is unusable (no train/good
    /// image, a defect image without its mask); the message names the folder or file.
    /// </exception>
    public static MvtecDataset Open(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        var root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory));
        if (!System.IO.Directory.Exists(root))
        {
            throw new ImageDatasetException(root, File.Exists(root) ? "is a file, not a folder; give the folder that holds the images." : "the folder does not exist.");
        }

        if (System.IO.Directory.Exists(Path.Combine(root, MvtecCategory.TrainFolder)))
        {
            return new MvtecDataset(root, [MvtecCategory.Open(root)], []);
        }

        string[] subfolders;
        try
        {
            subfolders = [.. System.IO.Directory.GetDirectories(root)
                .Where(d => !Path.GetFileName(d).StartsWith('.'))
                .Order(StringComparer.Ordinal)];
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ImageDatasetException(root, $"the folder cannot be listed: {ex.Message}", ex);
        }

        var categories = new List<MvtecCategory>();
        var skipped = new List<SkippedImage>();
        foreach (var sub in subfolders)
        {
            if (CategoryFolders.Any(f => System.IO.Directory.Exists(Path.Combine(sub, f))))
            {
                categories.Add(MvtecCategory.Open(sub));
            }
            else
            {
                skipped.Add(new SkippedImage(sub, "it is not a category: it has no train, test or ground_truth folder."));
            }
        }

        return categories.Count > 0
            ? new MvtecDataset(root, categories, skipped)
            : throw new ImageDatasetException(
                root,
                "it holds no MVTec AD category; expected <folder>/<category>/train/good/*.png (with test/<defect>/ and ground_truth/<defect>/<name>_mask.png), or a category folder itself.");
    }
}
