using System.Diagnostics;
using EdgeTransfer.Imaging.Datasets;
using EdgeTransfer.Imaging.Decoding;
using EdgeTransfer.Synthetic;
using EdgeTransfer.Testing;
using Xunit.Abstractions;

namespace EdgeTransfer.Imaging.Tests;

public sealed class SyntheticPartGeneratorTests(ITestOutputHelper output)
{
    [Fact]
    public void Generate_IsDeterministic_ForTheSameSeedClassAndIndex()
    {
        // Given two generators with the same seed
        var a = new SyntheticPartGenerator(42);
        var b = new SyntheticPartGenerator(42);

        // When they generate the same (class, index)
        var first = Pixels(a, "scratch", 3, 224);
        var second = Pixels(b, "scratch", 3, 224);

        // Then the bytes are identical, in memory and as PNG files
        Assert.Equal(first, second);
        using var i1 = a.Generate("scratch", 3, 224);
        using var i2 = b.Generate("SCRATCH", 3, 224);
        Assert.Equal(TestImages.Encode(i1, new SixLabors.ImageSharp.Formats.Png.PngEncoder()), TestImages.Encode(i2, new SixLabors.ImageSharp.Formats.Png.PngEncoder()));
    }

    [Fact]
    public void Generate_Differs_BetweenClassesIndicesAndSeeds()
    {
        // Given one generator
        var generator = new SyntheticPartGenerator(42);

        // When it draws every class at index 0, and the same class at another index or seed
        var images = SyntheticPartGenerator.DefectClasses.Select(c => Pixels(generator, c, 0, 96)).ToList();
        images.Add(Pixels(generator, "good", 1, 96));
        images.Add(Pixels(new SyntheticPartGenerator(43), "good", 0, 96));

        // Then all differ
        for (var i = 0; i < images.Count; i++)
        {
            for (var j = i + 1; j < images.Count; j++)
            {
                Assert.NotEqual(images[i], images[j]);
            }
        }
    }

    [Fact]
    public void Generate_RejectsAnUnknownClass_NamingTheClassesSetting()
    {
        // Given a generator / When an unknown class is asked for
        var ex = Assert.Throws<InvalidSettingException>(() => new SyntheticPartGenerator(1).Generate("crack", 0, 224));

        // Then the error names --classes and lists the valid ones
        Assert.Equal("--classes", ex.Setting);
        Assert.Contains("'crack'", ex.Reason, StringComparison.Ordinal);
        Assert.Contains("good,scratch,dent,stain,hole", ex.Reason, StringComparison.Ordinal);
        Assert.Equal("--size", Assert.Throws<InvalidSettingException>(() => new SyntheticPartGenerator(1).Generate("good", 0, 8)).Setting);
        Assert.Equal("--classes", Assert.Throws<InvalidSettingException>(() => SyntheticPartGenerator.ParseClasses("good,dent,good")).Setting);
    }

    [Fact]
    public void Generate_KeepsTheClassMeanColourClose_SoColourAloneDoesNotTellClasses()
    {
        // Given 120 images of each class
        const int PerClass = 120;
        var generator = new SyntheticPartGenerator(7);
        var means = new Dictionary<string, double[]>();
        var spread = 0.0;
        foreach (var c in SyntheticPartGenerator.DefectClasses)
        {
            var sum = new double[3];
            var sumSq = 0.0;
            for (var i = 0; i < PerClass; i++)
            {
                var m = MeanRgb(Pixels(generator, c, i, 96));
                for (var k = 0; k < 3; k++)
                {
                    sum[k] += m[k];
                }

                sumSq += m[1] * m[1];
            }

            means[c] = [.. sum.Select(s => s / PerClass)];
            spread = Math.Max(spread, Math.Sqrt((sumSq / PerClass) - (means[c][1] * means[c][1])));
        }

        // When the class means are compared with the good class's
        var worst = means.Values.Max(m => Enumerable.Range(0, 3).Max(k => Math.Abs(m[k] - means["good"][k])));
        output.WriteLine($"largest class-mean difference {worst:F1} levels; image-to-image std of the mean {spread:F1} levels");
        foreach (var (c, m) in means)
        {
            output.WriteLine($"{c,-8} mean RGB {m[0]:F1} {m[1]:F1} {m[2]:F1}");
        }

        // Then the difference is small next to how much images of one class vary
        Assert.True(worst < spread / 3, $"class means differ by {worst:F1}, image means vary by {spread:F1}");
    }

    [Fact]
    public void Generate_Timing_IsPrinted()
    {
        // Given a generator (not asserted: timed tests are not benchmarks)
        var generator = new SyntheticPartGenerator(1);
        var buffer = new byte[224 * 224 * 3];
        for (var i = 0; i < 10; i++)
        {
            generator.Generate(SyntheticPartGenerator.DefectClasses[i % 5], i, 224, buffer);
        }

        // When 100 images of 224 × 224 are generated
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < 100; i++)
        {
            generator.Generate(SyntheticPartGenerator.DefectClasses[i % 5], i, 224, buffer);
        }

        // Then the time is printed
        output.WriteLine($"synthetic 224x224 part: {watch.Elapsed.TotalMilliseconds / 100:F2} ms each");
        Assert.True(watch.Elapsed > TimeSpan.Zero);
    }

    [Fact]
    public void Write_CreatesAnImageFolderTree_ThatTheDatasetReads()
    {
        // Given an output folder
        using var dir = new TempDirectory();

        // When a small data set is written
        var summary = SyntheticDataset.Write(dir.Path, ["good", "dent", "hole"], perClass: 3, size: 64, seed: 11);

        // Then <out>/<class>/<class>_0000.png exists and reads back as an ImageFolder with 9 images
        Assert.Equal(9, summary.Files.Count);
        Assert.True(File.Exists(dir.Combine("dent", "dent_0002.png")));
        var dataset = ImageFolderDataset.Open(dir.Path);
        Assert.Equal(["dent", "good", "hole"], dataset.ClassNames);
        var images = dataset.ReadImages(new HardenedImageDecoder()).ToList();
        Assert.Equal(9, images.Count);
        Assert.All(images, i => Assert.Equal(64, i.Image.Width));
        images.ForEach(i => i.Dispose());
    }

    [Fact]
    public void WriteSplit_WritesDisjointTrainAndTest_ByteIdenticalOnRepeat()
    {
        // Given two output folders
        using var a = new TempDirectory();
        using var b = new TempDirectory();

        // When the same split is written twice
        var first = SyntheticDataset.WriteSplit(a.Path, ["good", "stain"], trainPerClass: 2, testPerClass: 1, size: 48, seed: 5);
        SyntheticDataset.WriteSplit(b.Path, ["good", "stain"], trainPerClass: 2, testPerClass: 1, size: 48, seed: 5);

        // Then train/ and test/ hold the images, the test images are new parts, and the files are byte-identical
        Assert.Equal(6, first.Files.Count);
        Assert.True(File.Exists(a.Combine("train", "stain", "stain_0001.png")));
        Assert.True(File.Exists(a.Combine("test", "good", "good_0000.png")));
        Assert.NotEqual(File.ReadAllBytes(a.Combine("train", "good", "good_0000.png")), File.ReadAllBytes(a.Combine("test", "good", "good_0000.png")));
        foreach (var file in first.Files)
        {
            Assert.Equal(File.ReadAllBytes(file), File.ReadAllBytes(Path.Combine(b.Path, Path.GetRelativePath(a.Path, file))));
        }
    }

    [Fact]
    public void Write_RejectsBadArguments_NamingTheCliSetting()
    {
        using var dir = new TempDirectory();
        Assert.Equal("--per-class", Assert.Throws<InvalidSettingException>(() => SyntheticDataset.Write(dir.Path, ["good"], 0, 64, 1)).Setting);
        Assert.Equal("--classes", Assert.Throws<InvalidSettingException>(() => SyntheticDataset.Write(dir.Path, [], 1, 64, 1)).Setting);
        Assert.Equal("--size", Assert.Throws<InvalidSettingException>(() => SyntheticDataset.Write(dir.Path, ["good"], 1, 100000, 1)).Setting);
    }

    private static byte[] Pixels(SyntheticPartGenerator generator, string defectClass, int index, int size)
    {
        var buffer = new byte[size * size * 3];
        generator.Generate(defectClass, index, size, buffer);
        return buffer;
    }

    private static double[] MeanRgb(byte[] rgb)
    {
        var sum = new double[3];
        for (var i = 0; i < rgb.Length; i++)
        {
            sum[i % 3] += rgb[i];
        }

        return [.. sum.Select(s => s / (rgb.Length / 3))];
    }
}
