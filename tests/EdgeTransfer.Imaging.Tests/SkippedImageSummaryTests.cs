using EdgeTransfer.Imaging.Datasets;

namespace EdgeTransfer.Imaging.Tests;

public sealed class SkippedImageSummaryTests
{
    [Fact]
    public void Lines_GiveEveryReason_WithHowManyFilesAndExamples()
    {
        // Given ten skipped calibration files for three reasons
        var skipped = Enumerable.Range(0, 7).Select(i => new SkippedImage($"/cal/good/c{i}.png", "the PNG data is corrupt."))
            .Append(new SkippedImage("/cal/good/pipe.png", "it is a FIFO (named pipe), not a regular file."))
            .Append(new SkippedImage("/cal/loose.png", "it lies beside the class folders."))
            .Append(new SkippedImage("/cal/dent/d.png", "it lies beside the class folders."))
            .ToList();

        // When they are summarised
        var lines = SkippedImageSummary.Lines(skipped);

        // Then each reason appears once, most frequent first, with its count and some names
        Assert.Equal(
            [
                "7 files (c0.png, c1.png, c2.png, …): the PNG data is corrupt.",
                "2 files (loose.png, d.png): it lies beside the class folders.",
                "pipe.png: it is a FIFO (named pipe), not a regular file.",
            ],
            lines);
    }

    [Fact]
    public void Lines_AreCapped_AndSayHowManyReasonsWereLeftOut()
    {
        // Given twelve files, each with its own reason
        var skipped = Enumerable.Range(0, 12).Select(i => new SkippedImage($"/cal/f{i:D2}.png", $"reason {i:D2}.")).ToList();

        // When they are summarised in at most four lines
        var lines = SkippedImageSummary.Lines(skipped, maxLines: 4);

        // Then three reasons are shown and the last line counts the other nine, with an example
        Assert.Equal(4, lines.Count);
        Assert.Equal("9 more files for 9 other reasons, such as f03.png: reason 03.", lines[3]);
    }
}
