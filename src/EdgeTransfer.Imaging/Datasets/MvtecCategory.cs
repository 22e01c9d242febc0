using EdgeTransfer.Imaging.Decoding;

namespace EdgeTransfer.Imaging.Datasets;

/// <summary>
/// One category of an MVTec AD folder: <c>train/good/*</c> (good parts to fit on), <c>test/good/*</c> and
/// <c>test/&lt;defect&gt;/*</c>, and per defect image a binary mask <c>ground_truth/&lt;defect&gt;/&lt;name&gt;_mask.png</c>
/// of the image's size (good parts have none).
/// </summary>
/// <remarks>
/// Image files are those with the extensions of <see cref="ImageFolderDataset.Extensions"/>; other files in
/// the image folders are listed in <see cref="Skipped"/> with the reason, hidden ones are ignored. The
/// checks that need no decoding (train/good not empty, a mask file for every defect image) are made by
/// <see cref="Open"/>; mask sizes are checked as the masks are read.
/// </remarks>
public sealed class MvtecCategory
{
    /// <summary>The folder and defect-kind name of good parts.</summary>
    public const string Good = "good";

    /// <summary>The folder of the training parts (good only).</summary>
    public const string TrainFolder = "train";

    /// <summary>The folder of the test parts.</summary>
    public const string TestFolder = "test";

    /// <summary>The folder of the masks.</summary>
    public const string GroundTruthFolder = "ground_truth";

    /// <summary>The suffix of a mask file's name after the image's name (without extension).</summary>
    public const string MaskSuffix = "_mask.png";

    private readonly List<SkippedImage> _readSkips = [];
    private readonly List<SkippedImage> _listingSkips;

    private MvtecCategory(string directory, IReadOnlyList<MvtecEntry> trainGood, IReadOnlyList<MvtecEntry> test, List<SkippedImage> listingSkips)
    {
        Directory = directory;
        Name = Path.GetFileName(directory);
        TrainGood = trainGood;
        Test = test;
        DefectKinds = [.. test.Where(e => !e.IsGood).Select(e => e.DefectKind).Distinct()];
        _listingSkips = listingSkips;
    }

    /// <summary>The category's name (its folder's name).</summary>
    public string Name { get; }

    /// <summary>The full path of the category folder.</summary>
    public string Directory { get; }

    /// <summary>The good training parts, in ordinal path order.</summary>
    public IReadOnlyList<MvtecEntry> TrainGood { get; }

    /// <summary>The test parts: good ones first, then each defect kind in ordinal order; paths ordinal within a kind.</summary>
    public IReadOnlyList<MvtecEntry> Test { get; }

    /// <summary>The defect kinds that have test images, in ordinal order.</summary>
    public IReadOnlyList<string> DefectKinds { get; }

    /// <summary>Files that were not used and why: non-image files, and images the last read could not decode.</summary>
    public IReadOnlyList<SkippedImage> Skipped => [.. _listingSkips, .. _readSkips];

    /// <summary>Lists and checks one category folder.</summary>
    /// <param name="directory">The category folder (holding <c>train/good</c>).</param>
    /// <returns>The category (no image is decoded).</returns>
    /// <exception cref="ImageDatasetException">No train/good image, or a defect image without its mask; the message names the folder or file.</exception>
    public static MvtecCategory Open(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        var root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory));
        try
        {
            var skips = new List<SkippedImage>();
            var trainDir = Path.Combine(root, TrainFolder, Good);
            var train = Images(trainDir, skips).Select(f => new MvtecEntry(f, Good, null)).ToArray();
            if (train.Length == 0)
            {
                throw new ImageDatasetException(root, $"the category has no good training images: '{trainDir}' is missing or holds no image file ({string.Join(", ", ImageFolderDataset.Extensions)}).");
            }

            var test = new List<MvtecEntry>();
            var testDir = Path.Combine(root, TestFolder);
            test.AddRange(Images(Path.Combine(testDir, Good), skips).Select(f => new MvtecEntry(f, Good, null)));
            foreach (var kindDir in Folders(testDir).Where(d => Path.GetFileName(d) != Good))
            {
                var kind = Path.GetFileName(kindDir);
                foreach (var image in Images(kindDir, skips))
                {
                    test.Add(new MvtecEntry(image, kind, MaskOf(root, kind, image)));
                }
            }

            return new MvtecCategory(root, train, test, skips);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ImageDatasetException(root, $"the folder cannot be listed: {ex.Message}", ex);
        }
    }

    /// <summary>Decodes the good training images in order; undecodable ones are skipped and recorded in <see cref="Skipped"/>.</summary>
    /// <param name="decoder">The hardened decoder.</param>
    /// <returns>The samples, with an empty mask; the caller disposes each.</returns>
    /// <exception cref="ImageDatasetException">At the end of the pass, when not one image could be used.</exception>
    public IEnumerable<MvtecSample> ReadTrainGood(HardenedImageDecoder decoder)
    {
        ArgumentNullException.ThrowIfNull(decoder);
        return Read(TrainGood, decoder, maskSize: 0);
    }

    /// <summary>Decodes the test images with their masks at <paramref name="maskSize"/> × <paramref name="maskSize"/>.</summary>
    /// <param name="decoder">The hardened decoder.</param>
    /// <param name="maskSize">The side of the masks returned (for example 224, or 28 for a patch map).</param>
    /// <returns>The samples; the caller disposes each. Undecodable images are skipped and recorded in <see cref="Skipped"/>.</returns>
    /// <exception cref="ImageDatasetException">A mask cannot be read or differs in size from its image (named).</exception>
    public IEnumerable<MvtecSample> ReadTest(HardenedImageDecoder decoder, int maskSize)
    {
        ArgumentNullException.ThrowIfNull(decoder);
        ArgumentOutOfRangeException.ThrowIfLessThan(maskSize, 1);
        return Read(Test, decoder, maskSize);
    }

    private IEnumerable<MvtecSample> Read(IReadOnlyList<MvtecEntry> entries, HardenedImageDecoder decoder, int maskSize)
    {
        _readSkips.Clear();
        var usable = 0;
        foreach (var entry in entries)
        {
            SixLabors.ImageSharp.Image<SixLabors.ImageSharp.PixelFormats.Rgb24>? image = null;
            try
            {
                image = decoder.DecodeFile(entry.Path);
            }
            catch (ImageDecodeException ex)
            {
                _readSkips.Add(new SkippedImage(entry.Path, ex.Reason));
                continue;
            }

            byte[] mask;
            try
            {
                mask = maskSize == 0 ? []
                    : entry.MaskPath is null ? new byte[maskSize * maskSize]
                    : MvtecMask.Load(entry.MaskPath, image.Width, image.Height, maskSize, decoder);
            }
            catch
            {
                image.Dispose();
                throw;
            }

            usable++;
            yield return new MvtecSample(entry, image, mask);
        }

        if (usable == 0 && entries.Count > 0)
        {
            throw new ImageDatasetException(Directory, $"none of its {entries.Count} images can be used. The first: {Path.GetFileName(_readSkips[0].Path)}: {_readSkips[0].Reason}");
        }
    }

    private static string MaskOf(string root, string kind, string image)
    {
        var mask = Path.Combine(root, GroundTruthFolder, kind, Path.GetFileNameWithoutExtension(image) + MaskSuffix);
        return File.Exists(mask)
            ? mask
            : throw new ImageDatasetException(root, $"the defect image '{image}' has no mask: '{mask}' does not exist (every test/<defect> image needs ground_truth/<defect>/<name>{MaskSuffix}).");
    }

    private static IEnumerable<string> Folders(string dir) =>
        System.IO.Directory.Exists(dir)
            ? System.IO.Directory.GetDirectories(dir).Where(d => !IsHidden(d)).Order(StringComparer.Ordinal)
            : [];

    private static List<string> Images(string dir, List<SkippedImage> skips)
    {
        var images = new List<string>();
        if (!System.IO.Directory.Exists(dir))
        {
            return images;
        }

        foreach (var file in System.IO.Directory.GetFiles(dir).Where(f => !IsHidden(f)).Order(StringComparer.Ordinal))
        {
            if (ImageFolderDataset.Extensions.Contains(Path.GetExtension(file), StringComparer.OrdinalIgnoreCase))
            {
                images.Add(file);
            }
            else
            {
                skips.Add(new SkippedImage(file, $"it is not an image file (only {string.Join(", ", ImageFolderDataset.Extensions)} are read)."));
            }
        }

        return images;
    }

    private static bool IsHidden(string path) => Path.GetFileName(path).StartsWith('.');
}
