using EdgeTransfer.Imaging.Datasets;
using EdgeTransfer.Imaging.Decoding;
using EdgeTransfer.Testing;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;

namespace EdgeTransfer.Imaging.Tests;

public sealed class MvtecDatasetTests
{
    private readonly HardenedImageDecoder _decoder = new();

    [Fact]
    public void Open_ListsACategory_TrainTestAndMasks_InStableOrder()
    {
        // Given a hand-made category written out of order, with a hidden file and a readme
        using var dir = new TempDirectory();
        Category(dir, "bottle");
        Write(dir, "bottle/train/good/.DS_Store.png", TestImages.Png());
        Write(dir, "bottle/readme.txt", "about"u8.ToArray());

        // When the root is opened
        var dataset = MvtecDataset.Open(dir.Path);

        // Then there is one category, entries sorted, defect images paired with their masks, good ones without
        var category = Assert.Single(dataset.Categories);
        Assert.Equal("bottle", category.Name);
        Assert.Equal(["000.png", "001.png"], category.TrainGood.Select(e => Path.GetFileName(e.Path)));
        Assert.Equal(
            ["good/000.png", "hole/000.png", "scratch/000.png", "scratch/001.png"],
            category.Test.Select(e => Path.GetRelativePath(Path.Combine(category.Directory, "test"), e.Path).Replace('\\', '/')));
        Assert.Equal(["good", "hole", "scratch", "scratch"], category.Test.Select(e => e.DefectKind));
        Assert.Equal(["hole", "scratch"], category.DefectKinds);
        Assert.Null(category.Test[0].MaskPath);
        Assert.True(category.Test[0].IsGood);
        Assert.EndsWith(Path.Combine("ground_truth", "scratch", "001_mask.png"), category.Test[3].MaskPath, StringComparison.Ordinal);
        Assert.Empty(category.Skipped);
    }

    [Fact]
    public void Open_TakesASingleCategoryFolder_AndSeveralCategoriesUnderARoot()
    {
        // Given a root with two categories and a folder that is not a category
        using var dir = new TempDirectory();
        Category(dir, "screw");
        Category(dir, "bottle");
        Write(dir, "docs/notes.png", TestImages.Png());

        // When the root and one category are opened
        var root = MvtecDataset.Open(dir.Path);
        var single = MvtecDataset.Open(dir.Combine("screw"));

        // Then the categories are sorted, the other folder is skipped with its reason
        Assert.Equal(["bottle", "screw"], root.Categories.Select(c => c.Name));
        Assert.Contains("not a category", Assert.Single(root.Skipped).Reason, StringComparison.Ordinal);
        Assert.Equal("screw", Assert.Single(single.Categories).Name);
    }

    [Fact]
    public void ReadTest_GivesMasks_AtTheRequestedSize_StillBinary()
    {
        // Given a 64 × 48 defect image whose mask marks the rectangle x 16..31, y 12..23
        using var dir = new TempDirectory();
        Category(dir, "bottle");
        var category = MvtecDataset.Open(dir.Path).Categories[0];

        // When the test images are read with 28 × 28 and 224 × 224 masks
        foreach (var size in new[] { 28, 224 })
        {
            var samples = category.ReadTest(_decoder, size).ToList();
            try
            {
                // Then good parts have an all-zero mask, and a defect's mask covers the same share of the frame
                Assert.Equal(4, samples.Count);
                Assert.All(samples, s => Assert.Equal(size * size, s.Mask.Length));
                Assert.All(samples, s => Assert.All(s.Mask.ToArray(), v => Assert.True(v is 0 or 1)));
                Assert.All(samples[0].Mask.ToArray(), v => Assert.Equal(0, v));
                var share = samples[2].Mask.ToArray().Count(v => v == 1) / (double)(size * size);
                Assert.InRange(share, 0.0625 * 0.8, 0.0625 * 1.25);
                var m = samples[2].Mask.Span;
                Assert.Equal(1, m[((size * 18) / 48 * size) + (size * 24 / 64)]);
                Assert.Equal(0, m[0]);
            }
            finally
            {
                samples.ForEach(s => s.Dispose());
            }
        }
    }

    [Fact]
    public void Open_Fails_NamingTheImage_WhenADefectImageHasNoMask()
    {
        using var dir = new TempDirectory();
        Category(dir, "bottle");
        File.Delete(dir.Combine("bottle", "ground_truth", "scratch", "001_mask.png"));

        var ex = Assert.Throws<ImageDatasetException>(() => MvtecDataset.Open(dir.Path));

        Assert.Contains(Path.Combine("scratch", "001.png"), ex.Message, StringComparison.Ordinal);
        Assert.Contains("001_mask.png", ex.Message, StringComparison.Ordinal);
        Assert.Contains("has no mask", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadTest_Fails_NamingTheMask_WhenItsSizeDiffersFromTheImage()
    {
        using var dir = new TempDirectory();
        Category(dir, "bottle");
        Write(dir, "bottle/ground_truth/hole/000_mask.png", Mask(32, 24, 0, 0, 4, 4));
        var category = MvtecDataset.Open(dir.Path).Categories[0];

        var ex = Assert.Throws<ImageDatasetException>(() => DisposeAll(category.ReadTest(_decoder, 28)));

        Assert.Contains("000_mask.png", ex.Message, StringComparison.Ordinal);
        Assert.Contains("32 × 24", ex.Message, StringComparison.Ordinal);
        Assert.Contains("64 × 48", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadTest_Fails_NamingTheMask_WhenItIsNotAnImage()
    {
        using var dir = new TempDirectory();
        Category(dir, "bottle");
        Write(dir, "bottle/ground_truth/hole/000_mask.png", "not a png"u8.ToArray());
        var category = MvtecDataset.Open(dir.Path).Categories[0];

        var ex = Assert.Throws<ImageDatasetException>(() => DisposeAll(category.ReadTest(_decoder, 28)));

        Assert.Contains("000_mask.png", ex.Message, StringComparison.Ordinal);
        Assert.Contains("cannot be read", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NonImageFiles_AreSkipped_WithTheirReason_AndUndecodableImagesWhenRead()
    {
        // Given a category with a text file among the train images and a corrupt PNG among the test ones
        using var dir = new TempDirectory();
        Category(dir, "bottle");
        Write(dir, "bottle/train/good/labels.csv", "a,b"u8.ToArray());
        Write(dir, "bottle/test/good/001.png", TestImages.Png()[..100]);
        var category = MvtecDataset.Open(dir.Path).Categories[0];

        // When the images are read
        DisposeAll(category.ReadTrainGood(_decoder));
        Assert.Contains(category.Skipped, s => s.Path.EndsWith("labels.csv", StringComparison.Ordinal) && s.Reason.Contains("not an image file", StringComparison.Ordinal));
        var read = category.ReadTest(_decoder, 28).Select(s => { s.Dispose(); return s.Entry.DefectKind; }).ToList();

        // Then the usable ones come through and each skipped file has a reason
        Assert.Equal(["good", "hole", "scratch", "scratch"], read);
        Assert.Contains(category.Skipped, s => s.Path.EndsWith("001.png", StringComparison.Ordinal) && s.Reason.Contains("truncated", StringComparison.Ordinal));
    }

    [Fact]
    public void Open_Fails_NamingTheFolder_WhenACategoryHasNoTrainingImage()
    {
        using var dir = new TempDirectory();
        Category(dir, "bottle");
        Write(dir, "cable/train/good/readme.txt", "empty"u8.ToArray());
        Write(dir, "cable/test/good/000.png", TestImages.Png());

        var ex = Assert.Throws<ImageDatasetException>(() => MvtecDataset.Open(dir.Path));

        Assert.Contains(Path.Combine("cable", "train", "good"), ex.Message, StringComparison.Ordinal);
        Assert.Contains("no good training images", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_Fails_WhenThereIsNoCategory_OrNoFolder()
    {
        using var dir = new TempDirectory();
        Write(dir, "photos/a.png", TestImages.Png());

        var none = Assert.Throws<ImageDatasetException>(() => MvtecDataset.Open(dir.Path));
        var missing = Assert.Throws<ImageDatasetException>(() => MvtecDataset.Open(dir.Combine("nope")));

        Assert.Contains("no MVTec AD category", none.Message, StringComparison.Ordinal);
        Assert.Contains(dir.Path, none.Message, StringComparison.Ordinal);
        Assert.Contains("does not exist", missing.Message, StringComparison.Ordinal);
    }

    // A category of 64 × 48 images: two train, one good test, one hole, two scratches, masks beside.
    private static void Category(TempDirectory dir, string name)
    {
        Write(dir, $"{name}/train/good/001.png", TestImages.Png(seed: 2));
        Write(dir, $"{name}/train/good/000.png", TestImages.Png(seed: 1));
        Write(dir, $"{name}/test/scratch/001.png", TestImages.Png(seed: 5));
        Write(dir, $"{name}/test/scratch/000.png", TestImages.Png(seed: 4));
        Write(dir, $"{name}/test/good/000.png", TestImages.Png(seed: 3));
        Write(dir, $"{name}/test/hole/000.png", TestImages.Png(seed: 6));
        Write(dir, $"{name}/ground_truth/scratch/000_mask.png", Mask(64, 48, 16, 12, 16, 12));
        Write(dir, $"{name}/ground_truth/scratch/001_mask.png", Mask(64, 48, 0, 0, 8, 8));
        Write(dir, $"{name}/ground_truth/hole/000_mask.png", Mask(64, 48, 40, 30, 5, 5));
    }

    private static byte[] Mask(int width, int height, int x0, int y0, int w, int h)
    {
        using var image = new Image<L8>(width, height);
        for (var y = y0; y < y0 + h; y++)
        {
            for (var x = x0; x < x0 + w; x++)
            {
                image[x, y] = new L8(255);
            }
        }

        return TestImages.Encode(image, new PngEncoder());
    }

    private static void DisposeAll(IEnumerable<MvtecSample> samples)
    {
        foreach (var sample in samples)
        {
            sample.Dispose();
        }
    }

    private static void Write(TempDirectory dir, string relative, byte[] bytes)
    {
        var path = dir.Combine(relative.Split('/'));
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
    }
}
