using System.Runtime.ExceptionServices;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Png;

namespace EdgeTransfer.Synthetic;

/// <summary>
/// Writes synthetic inspection images as an ImageFolder tree: <c>&lt;out&gt;/&lt;class&gt;/&lt;class&gt;_0000.png</c>,
/// or with a split, <c>&lt;out&gt;/train/&lt;class&gt;/…</c> and <c>&lt;out&gt;/test/&lt;class&gt;/…</c>.
/// </summary>
/// <remarks>
/// Files are PNG (lossless, so the pixels are exactly the generator's) and byte-identical for the same
/// arguments. Existing files of the same names are overwritten; other files are left alone.
/// </remarks>
public static class SyntheticDataset
{
    /// <summary>The train folder of a split data set.</summary>
    public const string TrainFolder = "train";

    /// <summary>The test folder of a split data set.</summary>
    public const string TestFolder = "test";

    private static readonly PngEncoder Encoder = new()
    {
        ColorType = PngColorType.Rgb,
        BitDepth = PngBitDepth.Bit8,
        CompressionLevel = PngCompressionLevel.DefaultCompression,
    };

    /// <summary>Writes <paramref name="perClass"/> images of each class.</summary>
    /// <param name="outDir">The output folder (created if needed).</param>
    /// <param name="classes">The defect classes (see <see cref="SyntheticPartGenerator.DefectClasses"/>).</param>
    /// <param name="perClass">Images per class (at least 1).</param>
    /// <param name="size">The image side in pixels.</param>
    /// <param name="seed">The generator seed.</param>
    /// <returns>The folder, the classes and the files written.</returns>
    /// <exception cref="InvalidSettingException">A bad argument, named as the CLI names it (<c>--classes</c>, <c>--per-class</c>, <c>--size</c>, <c>--out</c>).</exception>
    public static SyntheticDatasetSummary Write(string outDir, IEnumerable<string> classes, int perClass, int size, int seed)
    {
        var canonical = Check(outDir, classes, size);
        CheckCount("--per-class", perClass);
        var files = WriteImages(outDir, canonical, firstIndex: 0, perClass, size, seed);
        return new SyntheticDatasetSummary(Path.GetFullPath(outDir), canonical, files);
    }

    /// <summary>
    /// Writes a train/test split: <paramref name="trainPerClass"/> images of each class under <c>train/</c> and
    /// <paramref name="testPerClass"/> different ones (generator indices after the train images) under <c>test/</c>.
    /// </summary>
    /// <param name="outDir">The output folder (created if needed).</param>
    /// <param name="classes">The defect classes.</param>
    /// <param name="trainPerClass">Train images per class (at least 1).</param>
    /// <param name="testPerClass">Test images per class (at least 1).</param>
    /// <param name="size">The image side in pixels.</param>
    /// <param name="seed">The generator seed.</param>
    /// <returns>The folder, the classes and the files written (train first).</returns>
    /// <exception cref="InvalidSettingException">A bad argument, named as the CLI names it.</exception>
    public static SyntheticDatasetSummary WriteSplit(string outDir, IEnumerable<string> classes, int trainPerClass, int testPerClass, int size, int seed)
    {
        var canonical = Check(outDir, classes, size);
        CheckCount("--train-per-class", trainPerClass);
        CheckCount("--test-per-class", testPerClass);
        var train = WriteImages(Path.Combine(outDir, TrainFolder), canonical, firstIndex: 0, trainPerClass, size, seed);
        var test = WriteImages(Path.Combine(outDir, TestFolder), canonical, firstIndex: trainPerClass, testPerClass, size, seed);
        return new SyntheticDatasetSummary(Path.GetFullPath(outDir), canonical, [.. train, .. test]);
    }

    private static IReadOnlyList<string> Check(string outDir, IEnumerable<string> classes, int size)
    {
        if (string.IsNullOrWhiteSpace(outDir))
        {
            throw new InvalidSettingException("--out", "no output folder given.");
        }

        if (size is < SyntheticPartGenerator.MinSize or > SyntheticPartGenerator.MaxSize)
        {
            throw new InvalidSettingException("--size", $"{size} is out of range; use {SyntheticPartGenerator.MinSize} to {SyntheticPartGenerator.MaxSize} pixels (224 for ResNet18).");
        }

        return SyntheticPartGenerator.ValidateClasses(classes);
    }

    private static void CheckCount(string setting, int count)
    {
        if (count < 1)
        {
            throw new InvalidSettingException(setting, $"{count} is not a valid image count; use 1 or more.");
        }
    }

    private static string[] WriteImages(string dir, IReadOnlyList<string> classes, int firstIndex, int perClass, int size, int seed)
    {
        var files = new string[classes.Count * perClass];
        for (var c = 0; c < classes.Count; c++)
        {
            var classDir = Path.Combine(dir, classes[c]);
            try
            {
                Directory.CreateDirectory(classDir);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new InvalidSettingException("--out", $"the folder '{classDir}' cannot be created: {ex.Message}", ex);
            }

            for (var k = 0; k < perClass; k++)
            {
                files[(c * perClass) + k] = Path.GetFullPath(Path.Combine(classDir, $"{classes[c]}_{k:D4}.png"));
            }
        }

        var generator = new SyntheticPartGenerator(seed);

        // Images are independent and deterministic per (class, index): order of writing does not matter.
        try
        {
            Parallel.For(0, files.Length, n => WriteOne(generator, classes[n / perClass], firstIndex + (n % perClass), size, files[n]));
        }
        catch (AggregateException ex) when (ex.Flatten().InnerExceptions.OfType<EdgeTransferException>().FirstOrDefault() is { } first)
        {
            ExceptionDispatchInfo.Capture(first).Throw();
        }

        return files;
    }

    private static void WriteOne(SyntheticPartGenerator generator, string defectClass, int index, int size, string file)
    {
        using var image = generator.Generate(defectClass, index, size);
        try
        {
            image.SaveAsPng(file, Encoder);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new InvalidSettingException("--out", $"'{file}' cannot be written: {ex.Message}", ex);
        }
    }
}
