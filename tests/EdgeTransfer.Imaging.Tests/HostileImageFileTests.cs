using EdgeTransfer.Imaging.Datasets;
using EdgeTransfer.Imaging.Decoding;
using EdgeTransfer.Testing;

namespace EdgeTransfer.Imaging.Tests;

/// <summary>Image paths that are not regular files, or far too large: refused by kind and size before they are opened.</summary>
public sealed class HostileImageFileTests
{
    private readonly HardenedImageDecoder _decoder = new(new ImageDecoderOptions { MaxBytes = 1 << 20 });

    [LinuxFact]
    public void DecodeFile_RefusesDevZero_WithoutReadingIt()
    {
        // Given /dev/zero, which reports 0 bytes and never ends
        // When it is decoded
        var error = HostileFiles.ThrowsWithin<ImageDecodeException>(() => _decoder.DecodeFile(HostileFiles.DevZero));

        // Then it is refused as a character device, naming it
        Assert.Equal(HostileFiles.DevZero, error.SourceName);
        Assert.Contains("character device", error.Reason, StringComparison.Ordinal);
    }

    [LinuxFact]
    public void DecodeFile_RefusesFifo_WithoutBlocking()
    {
        // Given a FIFO named like an image, with no writer (opening it would wait for one forever)
        using var dir = new TempDirectory();
        var fifo = HostileFiles.Fifo(dir.Combine("frame.png"));

        // When it is decoded
        var error = HostileFiles.ThrowsWithin<ImageDecodeException>(() => _decoder.DecodeFile(fifo));

        // Then it is refused at once as a FIFO
        Assert.Equal(fifo, error.SourceName);
        Assert.Contains("FIFO", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void DecodeFile_RefusesDirectory_SayingItIsADirectory()
    {
        // Given a directory named like an image
        using var dir = new TempDirectory();
        var folder = dir.Combine("frame.png");
        Directory.CreateDirectory(folder);

        // When it is decoded
        var error = Assert.Throws<ImageDecodeException>(() => _decoder.DecodeFile(folder));

        // Then the reason is that it is a directory (not "does not exist")
        Assert.Equal(folder, error.SourceName);
        Assert.Contains("is a directory", error.Reason, StringComparison.Ordinal);
    }

    [LinuxFact]
    public void DecodeFile_RefusesSparseFileOverTheLimit_BeforeReadingIt()
    {
        // Given a 3 GB sparse file (no disk blocks) against a 1 MiB limit
        using var dir = new TempDirectory();
        var huge = HostileFiles.Sparse(dir.Combine("huge.png"), 3L << 30);

        // When it is decoded
        var error = Assert.Throws<ImageDecodeException>(() => _decoder.DecodeFile(huge));

        // Then its size and the limit are named
        Assert.Contains($"{3L << 30} bytes, more than the limit of {1 << 20} bytes (image.maxBytes)", error.Reason, StringComparison.Ordinal);
    }

    [LinuxFact]
    public void ReadImages_SkipsFifo_WithItsReason_AndReadsTheRest()
    {
        // Given a calibration folder with a good image and a FIFO named like an image
        using var dir = new TempDirectory();
        File.WriteAllBytes(dir.Combine("a.png"), TestImages.Png());
        HostileFiles.Fifo(dir.Combine("b.png"));
        var dataset = ImageFolderDataset.Open(dir.Path);

        // When the images are read
        var count = HostileFiles.Within(() =>
        {
            var decoded = dataset.ReadImages(_decoder).ToList();
            decoded.ForEach(i => i.Image.Dispose());
            return decoded.Count;
        });

        // Then the good one is used and the FIFO is skipped with its reason, without hanging
        Assert.Equal(1, count);
        var skipped = Assert.Single(dataset.Skipped);
        Assert.EndsWith("b.png", skipped.Path, StringComparison.Ordinal);
        Assert.Contains("FIFO", skipped.Reason, StringComparison.Ordinal);
    }
}
