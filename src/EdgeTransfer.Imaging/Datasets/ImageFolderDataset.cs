using EdgeTransfer.Imaging.Decoding;

namespace EdgeTransfer.Imaging.Datasets;

/// <summary>
/// The images of a folder, either an ImageFolder tree (<c>&lt;dir&gt;/&lt;class&gt;/*.png|jpg|jpeg|bmp</c>,
/// the class being the sub-folder's name) or a flat folder of images without classes.
/// </summary>
/// <remarks>
/// <para>
/// A folder with sub-folders is an ImageFolder tree; class folders are searched recursively, and image
/// files lying loose beside the class folders are skipped (they have no class). Hidden files and folders
/// (starting with '.') are ignored, as are files of other extensions. Order is stable: classes and paths
/// sorted ordinally, so that the same folder gives the same order and labels on every machine.
/// </para>
/// <para>
/// The extension only selects candidate files; the decoder decides by content. Files that cannot be
/// decoded are skipped with their reason (<see cref="Skipped"/>); a folder with no usable image is an
/// <see cref="ImageDatasetException"/> naming the folder.
/// </para>
/// </remarks>
public sealed class ImageFolderDataset
{
    private readonly List<SkippedImage> _listingSkips;
    private readonly List<SkippedImage> _readSkips = [];

    private ImageFolderDataset(string directory, bool isFlat, IReadOnlyList<string> classNames, IReadOnlyList<ImageFolderEntry> entries, List<SkippedImage> listingSkips)
    {
        Directory = directory;
        IsFlat = isFlat;
        ClassNames = classNames;
        Entries = entries;
        _listingSkips = listingSkips;
    }

    /// <summary>The file extensions that are read (case-insensitive).</summary>
    public static IReadOnlyList<string> Extensions { get; } = [".png", ".jpg", ".jpeg", ".bmp"];

    /// <summary>The full path of the folder.</summary>
    public string Directory { get; }

    /// <summary>True for a folder of images without class sub-folders.</summary>
    public bool IsFlat { get; }

    /// <summary>The classes (sub-folder names, sorted ordinally); empty for a flat folder.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>The candidate image files, in stable order (class, then path).</summary>
    public IReadOnlyList<ImageFolderEntry> Entries { get; }

    /// <summary>
    /// Files that were not used and why: loose files beside class folders, and the files the last
    /// <see cref="ReadImages"/> pass could not decode.
    /// </summary>
    public IReadOnlyList<SkippedImage> Skipped => [.. _listingSkips, .. _readSkips];

    /// <summary>The number of <see cref="Skipped"/> files.</summary>
    public int SkippedCount => _listingSkips.Count + _readSkips.Count;

    /// <summary>Lists the folder.</summary>
    /// <param name="directory">An ImageFolder tree or a flat folder of images.</param>
    /// <returns>The data set (no image is decoded yet).</returns>
    /// <exception cref="ImageDatasetException">The folder is missing, unreadable or holds no image file.</exception>
    public static ImageFolderDataset Open(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        var root = Path.GetFullPath(directory);
        if (!System.IO.Directory.Exists(root))
        {
            throw new ImageDatasetException(root, File.Exists(root) ? "is a file, not a folder; give the folder that holds the images." : "the folder does not exist.");
        }

        try
        {
            var classDirs = System.IO.Directory.GetDirectories(root)
                .Where(d => !IsHidden(d))
                .Order(StringComparer.Ordinal)
                .ToArray();
            var loose = ImageFiles(root, SearchOption.TopDirectoryOnly);
            var skips = new List<SkippedImage>();
            var entries = new List<ImageFolderEntry>();
            if (classDirs.Length == 0)
            {
                entries.AddRange(loose.Select(f => new ImageFolderEntry(f, -1, null)));
                return Checked(new ImageFolderDataset(root, isFlat: true, [], entries, skips));
            }

            skips.AddRange(loose.Select(f => new SkippedImage(f, "it lies beside the class folders, so it has no class; move it into a class folder.")));
            var classes = new List<string>();
            foreach (var dir in classDirs)
            {
                var name = Path.GetFileName(dir);
                var index = classes.Count;
                classes.Add(name);
                entries.AddRange(ImageFiles(dir, SearchOption.AllDirectories)
                    .Where(f => !HasHiddenPart(dir, f))
                    .Select(f => new ImageFolderEntry(f, index, name)));
            }

            return Checked(new ImageFolderDataset(root, isFlat: false, classes, entries, skips));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ImageDatasetException(root, $"the folder cannot be listed: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// Decodes the images one by one, in <see cref="Entries"/> order; files that cannot be decoded are
    /// skipped and recorded in <see cref="Skipped"/> (the list of the previous pass is cleared). The
    /// caller disposes each image.
    /// </summary>
    /// <param name="decoder">The hardened decoder (limits and formats).</param>
    /// <returns>The usable images.</returns>
    /// <exception cref="ImageDatasetException">At the end of the pass, when not one image could be used.</exception>
    public IEnumerable<LabeledImage> ReadImages(HardenedImageDecoder decoder)
    {
        ArgumentNullException.ThrowIfNull(decoder);
        return Read(decoder);
    }

    private IEnumerable<LabeledImage> Read(HardenedImageDecoder decoder)
    {
        _readSkips.Clear();
        var usable = 0;
        foreach (var entry in Entries)
        {
            LabeledImage? item = null;
            try
            {
                item = new LabeledImage(entry, decoder.DecodeFile(entry.Path));
            }
            catch (ImageDecodeException ex)
            {
                _readSkips.Add(new SkippedImage(entry.Path, ex.Reason));
            }

            if (item is not null)
            {
                usable++;
                yield return item;
            }
        }

        if (usable == 0)
        {
            var first = _readSkips.Count > 0 ? $" The first: {Path.GetFileName(_readSkips[0].Path)}: {_readSkips[0].Reason}" : string.Empty;
            throw new ImageDatasetException(
                Directory,
                $"none of its {Entries.Count} image files can be used ({_readSkips.Count} skipped as unreadable).{first}");
        }
    }

    private static ImageFolderDataset Checked(ImageFolderDataset dataset)
    {
        if (dataset.Entries.Count > 0)
        {
            return dataset;
        }

        var what = dataset.IsFlat
            ? "it holds no image files"
            : $"its class folders ({string.Join(", ", dataset.ClassNames)}) hold no image files";
        throw new ImageDatasetException(dataset.Directory, $"{what} ({string.Join(", ", Extensions)}); expected <folder>/<class>/*.png or a flat folder of images.");
    }

    private static string[] ImageFiles(string dir, SearchOption option) =>
        [.. System.IO.Directory.EnumerateFiles(dir, "*", option)
            .Where(f => !IsHidden(f) && Extensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal)];

    private static bool IsHidden(string path) => Path.GetFileName(path).StartsWith('.');

    private static bool HasHiddenPart(string root, string file) =>
        Path.GetRelativePath(root, file).Split(Path.DirectorySeparatorChar).Any(part => part.StartsWith('.'));
}
