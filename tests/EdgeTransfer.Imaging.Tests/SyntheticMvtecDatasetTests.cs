using EdgeTransfer.Imaging.Datasets;
using EdgeTransfer.Imaging.Decoding;
using EdgeTransfer.Synthetic;
using EdgeTransfer.Testing;

namespace EdgeTransfer.Imaging.Tests;

public sealed class SyntheticMvtecDatasetTests
{
    private static readonly SyntheticMvtecOptions Small = new() { Category = "part", TrainGood = 3, TestGood = 2, TestPerDefect = 2, Size = 64, Seed = 7 };

    [Fact]
    public void Write_RoundTripsThroughTheReader_WithMasksOnDefectsOnly()
    {
        // Given a small synthetic category with every defect kind
        using var dir = new TempDirectory();
        var summary = SyntheticMvtecDataset.Write(dir.Path, Small);

        // When it is read back in the MVTec AD layout
        var category = Assert.Single(MvtecDataset.Open(dir.Path).Categories);
        var decoder = new HardenedImageDecoder();
        var samples = category.ReadTest(decoder, 64).ToList();
        try
        {
            // Then the counts and kinds match, defect masks are non-empty and good ones empty
            Assert.Equal("part", category.Name);
            Assert.Equal(3, category.TrainGood.Count);
            Assert.Equal(["dent", "hole", "scratch", "stain"], category.DefectKinds);
            Assert.Equal(2 + (4 * 2), samples.Count);
            Assert.Equal(summary.Images.Count, category.TrainGood.Count + category.Test.Count);
            Assert.Equal(8, summary.Masks.Count);
            Assert.All(samples.Where(s => s.Entry.IsGood), s => Assert.DoesNotContain((byte)1, s.Mask.ToArray()));
            Assert.All(samples.Where(s => !s.Entry.IsGood), s => Assert.Contains((byte)1, s.Mask.ToArray()));

            // And the images are exactly the generator's, the masks exactly its masks
            var generator = new SyntheticPartGenerator(Small.Seed);
            var scratch = samples.First(s => s.Entry.DefectKind == "scratch");
            var rgb = new byte[64 * 64 * 3];
            var mask = new byte[64 * 64];
            generator.Generate("scratch", 0, 64, rgb, mask);
            Assert.True(scratch.Image.DangerousTryGetSinglePixelMemory(out var pixels));
            Assert.Equal(rgb, System.Runtime.InteropServices.MemoryMarshal.AsBytes(pixels.Span).ToArray());
            Assert.Equal(mask.Select(v => (byte)(v / 255)), scratch.Mask.ToArray());
            Assert.Empty(category.Skipped);
        }
        finally
        {
            samples.ForEach(s => s.Dispose());
        }
    }

    [Theory]
    [InlineData("scratch")]
    [InlineData("dent")]
    [InlineData("stain")]
    [InlineData("hole")]
    public void Masks_LineUpWithThePixelsTheDefectChanged(string defect)
    {
        // Given the same seed rendered with and without its defect (surface, pose and specks identical)
        const int Size = 96;
        var generator = new SyntheticPartGenerator(11);
        for (var index = 0; index < 3; index++)
        {
            var with = new float[Size * Size * 3];
            var without = new float[Size * Size * 3];
            generator.RenderCanvas(defect, index, Size, drawDefect: true, with);
            generator.RenderCanvas(defect, index, Size, drawDefect: false, without);
            var mask = new byte[Size * Size];
            generator.Generate(defect, index, Size, new byte[Size * Size * 3], mask);

            // Then the mask is exactly where the defect changed the part by the threshold or more
            var changed = 0;
            for (var p = 0; p < Size * Size; p++)
            {
                var delta = 0f;
                for (var c = 0; c < 3; c++)
                {
                    delta = MathF.Max(delta, MathF.Abs(with[(p * 3) + c] - without[(p * 3) + c]));
                }

                var expected = delta >= SyntheticPartGenerator.MaskThreshold ? 255 : 0;
                Assert.Equal(expected, mask[p]);
                changed += expected / 255;
            }

            // And a defect is a visible region, not a speck or the whole frame
            Assert.InRange(changed, 4, Size * Size / 4);
        }
    }

    [Fact]
    public void Generate_WithAMask_WritesTheSameImage_AndAnEmptyMaskForAGoodPart()
    {
        var generator = new SyntheticPartGenerator(3);
        var plain = new byte[48 * 48 * 3];
        var masked = new byte[48 * 48 * 3];
        var mask = new byte[48 * 48];
        generator.Generate("good", 5, 48, plain);
        generator.Generate("good", 5, 48, masked, mask);

        Assert.Equal(plain, masked);
        Assert.All(mask, v => Assert.Equal(0, v));
    }

    [Fact]
    public void Write_RefusesANonEmptyCategory_AndLeavesItAndNoStagingBehind()
    {
        // Given a category folder that already holds a file
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.Combine("part"));
        File.WriteAllText(dir.Combine("part", "keep.txt"), "mine");

        // When synthetic parts are written there
        var ex = Assert.Throws<InvalidSettingException>(() => SyntheticMvtecDataset.Write(dir.Path, Small));

        // Then the error names it and nothing changed
        Assert.Equal("--out", ex.Setting);
        Assert.Contains("not empty", ex.Reason, StringComparison.Ordinal);
        Assert.Equal(["keep.txt"], Directory.GetFiles(dir.Combine("part")).Select(Path.GetFileName));
        Assert.Equal(["part"], Directory.GetDirectories(dir.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void Write_LeavesNothing_WhenWritingFails()
    {
        // Given an output root where the category folder cannot be created (a file is in the way of the parent)
        using var dir = new TempDirectory();
        File.WriteAllText(dir.Combine("root"), "a file, not a folder");

        // When synthetic parts are written under it
        var ex = Assert.Throws<InvalidSettingException>(() => SyntheticMvtecDataset.Write(dir.Combine("root"), Small));

        // Then the error names the output and no staging folder is left
        Assert.Equal("--out", ex.Setting);
        Assert.Equal(["root"], Directory.GetFileSystemEntries(dir.Path).Select(Path.GetFileName));
    }

    [Theory]
    [InlineData("../up", "--category")]
    [InlineData(".hidden", "--category")]
    [InlineData("", "--category")]
    public void Write_RejectsABadCategoryName(string name, string setting)
    {
        using var dir = new TempDirectory();
        var ex = Assert.Throws<InvalidSettingException>(() => SyntheticMvtecDataset.Write(dir.Path, Small with { Category = name }));
        Assert.Equal(setting, ex.Setting);
        Assert.Empty(Directory.GetFileSystemEntries(dir.Path));
    }
}
