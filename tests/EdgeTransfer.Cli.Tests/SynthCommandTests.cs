using EdgeTransfer.Imaging.Datasets;
using EdgeTransfer.Imaging.Decoding;
using EdgeTransfer.Testing;

namespace EdgeTransfer.Cli.Tests;

public sealed class SynthCommandTests
{
    [Fact]
    public void Synth_LayoutMvtec_WritesACategory_ThatTheReaderOpens_WithMasksOnDefects()
    {
        using var dir = new TempDirectory();

        var result = CliRunner.Run("synth", "--layout", "mvtec", "--out", dir.Path, "--category", "widget", "--train-good", "4", "--test-good", "2", "--test-per-defect", "1", "--size", "64", "--seed", "5");

        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        Assert.Contains("10 images and 4 masks", result.Output, StringComparison.Ordinal);
        var category = Assert.Single(MvtecDataset.Open(dir.Path).Categories);
        Assert.Equal("widget", category.Name);
        Assert.Equal(4, category.TrainGood.Count);
        Assert.Equal(["dent", "hole", "scratch", "stain"], category.DefectKinds);
        foreach (var sample in category.ReadTest(new HardenedImageDecoder(), 28))
        {
            using (sample)
            {
                Assert.Equal(!sample.Entry.IsGood, sample.Mask.ToArray().Contains((byte)1));
            }
        }

        Assert.Empty(Directory.GetDirectories(dir.Path, ".*"));
    }

    [Fact]
    public void Synth_DefaultLayout_StillWritesAnImageFolderTree()
    {
        using var dir = new TempDirectory();

        var result = CliRunner.Run("synth", "--out", dir.Path, "--per-class", "1", "--size", "32");

        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        Assert.Equal(["dent", "good", "scratch", "stain"], Directory.GetDirectories(dir.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Synth_RejectsAnUnknownLayout_NamingTheOption()
    {
        using var dir = new TempDirectory();

        var result = CliRunner.Run("synth", "--layout", "coco", "--out", dir.Path);

        Assert.True(result.ExitCode == ExitCodes.Usage, result.ToString());
        Assert.Contains("--layout", result.Error, StringComparison.Ordinal);
        Assert.Contains("'coco'", result.Error, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(dir.Path));
    }

    [Fact]
    public void Synth_LayoutMvtec_RefusesANonEmptyCategory_AndChangesNothing()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.Combine("part", "train"));
        File.WriteAllText(dir.Combine("part", "train", "mine.png"), "not generated");

        var result = CliRunner.Run("synth", "--layout", "mvtec", "--out", dir.Path, "--size", "32", "--train-good", "1");

        Assert.True(result.ExitCode != ExitCodes.Success, result.ToString());
        Assert.StartsWith("error: ", result.Error, StringComparison.Ordinal);
        Assert.Contains("--out", result.Error, StringComparison.Ordinal);
        Assert.Contains("not empty", result.Error, StringComparison.Ordinal);
        Assert.Equal("not generated", File.ReadAllText(dir.Combine("part", "train", "mine.png")));
        Assert.Equal(["part"], Directory.GetFileSystemEntries(dir.Path).Select(Path.GetFileName));
    }
}
