using EdgeTransfer.Imaging.Datasets;
using EdgeTransfer.Imaging.Decoding;
using EdgeTransfer.Testing;

namespace EdgeTransfer.Imaging.Tests;

public sealed class ImageFolderDatasetTests
{
    private readonly HardenedImageDecoder _decoder = new();

    [Fact]
    public void Open_FindsClassesAndImages_InStableOrder()
    {
        // Given an ImageFolder tree written in a scrambled order, with a README and a hidden file
        using var dir = new TempDirectory();
        Write(dir, "scratch/b.png", TestImages.Png());
        Write(dir, "good/z.JPG", TestImages.Jpeg());
        Write(dir, "good/a.bmp", TestImages.Bmp());
        Write(dir, "good/nested/m.jpeg", TestImages.Jpeg());
        Write(dir, "good/.thumb.png", TestImages.Png());
        Write(dir, "good/notes.txt", "not an image"u8.ToArray());

        // When it is opened
        var dataset = ImageFolderDataset.Open(dir.Path);

        // Then classes and files are sorted, and only image extensions count
        Assert.False(dataset.IsFlat);
        Assert.Equal(["good", "scratch"], dataset.ClassNames);
        Assert.Equal(
            ["good/a.bmp", "good/nested/m.jpeg", "good/z.JPG", "scratch/b.png"],
            dataset.Entries.Select(e => Path.GetRelativePath(dir.Path, e.Path).Replace('\\', '/')));
        Assert.Equal([0, 0, 0, 1], dataset.Entries.Select(e => e.ClassIndex));
    }

    [Fact]
    public void ReadImages_SkipsUnreadableFiles_WithReasonAndCount()
    {
        // Given a tree with two good images, a truncated PNG, a GIF named .png, and a loose file at the root
        using var dir = new TempDirectory();
        Write(dir, "good/1.png", TestImages.Png());
        Write(dir, "dent/2.jpg", TestImages.Jpeg());
        Write(dir, "dent/3.png", TestImages.Png()[..100]);
        Write(dir, "good/4.png", TestImages.Gif());
        Write(dir, "loose.png", TestImages.Png());
        var dataset = ImageFolderDataset.Open(dir.Path);

        // When the images are read
        var read = new List<(string Class, int Width)>();
        foreach (var item in dataset.ReadImages(_decoder))
        {
            using (item)
            {
                read.Add((item.Entry.ClassName!, item.Image.Width));
            }
        }

        // Then the good ones come through and the others are skipped with a reason each
        Assert.Equal([("dent", 64), ("good", 64)], read);
        Assert.Equal(3, dataset.SkippedCount);
        Assert.Contains(dataset.Skipped, s => s.Path.EndsWith("3.png", StringComparison.Ordinal) && s.Reason.Contains("truncated", StringComparison.Ordinal));
        Assert.Contains(dataset.Skipped, s => s.Path.EndsWith("4.png", StringComparison.Ordinal) && s.Reason.Contains("GIF", StringComparison.Ordinal));
        Assert.Contains(dataset.Skipped, s => s.Path.EndsWith("loose.png", StringComparison.Ordinal) && s.Reason.Contains("no class", StringComparison.Ordinal));
    }

    [Fact]
    public void Open_TreatsAFolderWithoutSubfolders_AsFlat()
    {
        // Given a flat folder of calibration images
        using var dir = new TempDirectory();
        Write(dir, "b.png", TestImages.Png());
        Write(dir, "a.jpg", TestImages.Jpeg());

        // When it is opened
        var dataset = ImageFolderDataset.Open(dir.Path);

        // Then it has no classes
        Assert.True(dataset.IsFlat);
        Assert.Empty(dataset.ClassNames);
        Assert.Equal(["a.jpg", "b.png"], dataset.Entries.Select(e => Path.GetFileName(e.Path)));
        Assert.All(dataset.Entries, e => Assert.Equal(-1, e.ClassIndex));
    }

    [Fact]
    public void ReadImages_Throws_NamingTheFolder_WhenNoImageIsUsable()
    {
        // Given a folder whose only images are corrupt
        using var dir = new TempDirectory();
        Write(dir, "good/1.png", "not a png"u8.ToArray());
        Write(dir, "good/2.jpg", TestImages.Jpeg()[..50]);
        var dataset = ImageFolderDataset.Open(dir.Path);

        // When it is read to the end
        var ex = Assert.Throws<ImageDatasetException>(() => dataset.ReadImages(_decoder).ToList());

        // Then the error names the folder, the count and a first reason
        Assert.Equal(dir.Path, ex.Folder);
        Assert.Contains("none of its 2 image files can be used (2 skipped", ex.Message, StringComparison.Ordinal);
        Assert.Contains("1.png", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_Throws_ForAMissingOrImagelessFolder()
    {
        // Given a missing folder and one with only text files
        using var dir = new TempDirectory();
        Write(dir, "empty/good/readme.txt", "x"u8.ToArray());

        // When they are opened / Then each error names the folder and why
        var missing = Assert.Throws<ImageDatasetException>(() => ImageFolderDataset.Open(dir.Combine("nope")));
        Assert.Contains("does not exist", missing.Message, StringComparison.Ordinal);
        var empty = Assert.Throws<ImageDatasetException>(() => ImageFolderDataset.Open(dir.Combine("empty")));
        Assert.Contains("class folders (good) hold no image files", empty.Message, StringComparison.Ordinal);
        Assert.Equal(dir.Combine("empty"), empty.Folder);
    }

    private static void Write(TempDirectory dir, string relative, byte[] bytes)
    {
        var path = dir.Combine(relative.Split('/'));
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
    }
}
