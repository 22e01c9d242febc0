using System.Runtime.ExceptionServices;
using EdgeTransfer.Artifacts.Bundles;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;

namespace EdgeTransfer.Synthetic;

/// <summary>
/// Writes synthetic parts as one MVTec AD category: <c>&lt;out&gt;/&lt;category&gt;/train/good/000.png</c>,
/// <c>test/good/…</c>, <c>test/&lt;defect&gt;/…</c> and <c>ground_truth/&lt;defect&gt;/000_mask.png</c>, with the
/// exact masks of <see cref="SyntheticPartGenerator.Generate(string, int, int, Span{byte}, Span{byte})"/>.
/// </summary>
/// <remarks>
/// The category is written into a hidden staging folder beside it and renamed into place when complete,
/// so it is either absent or whole, never half-written. An existing non-empty category folder is refused,
/// not merged into. Images are RGB PNG, masks 8-bit greyscale PNG (0 or 255); byte-identical for the same
/// arguments. Train and test good parts use different generator indices, so no test part is a training part.
/// </remarks>
public static class SyntheticMvtecDataset
{
    private static readonly PngEncoder ImageEncoder = new() { ColorType = PngColorType.Rgb, BitDepth = PngBitDepth.Bit8 };
    private static readonly PngEncoder MaskEncoder = new() { ColorType = PngColorType.Grayscale, BitDepth = PngBitDepth.Bit8 };

    /// <summary>Writes one category.</summary>
    /// <param name="outDir">The root folder (created if needed); the category is a sub-folder of it.</param>
    /// <param name="options">The category name, defect kinds, counts, size and seed.</param>
    /// <returns>The category folder and the files written.</returns>
    /// <exception cref="InvalidSettingException">A bad argument or an unwritable or non-empty target, named as the CLI names it.</exception>
    public static SyntheticMvtecSummary Write(string outDir, SyntheticMvtecOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(outDir))
        {
            throw new InvalidSettingException("--out", "no output folder given.");
        }

        var defects = options.Validate();
        var target = Path.Combine(Path.GetFullPath(outDir), options.Category);
        if (File.Exists(target) || (Directory.Exists(target) && Directory.EnumerateFileSystemEntries(target).Any()))
        {
            throw new InvalidSettingException("--out", $"'{target}' exists and is not empty; choose another --out or --category, or remove it.");
        }

        var jobs = Jobs(options, defects);
        string? staging = null;
        try
        {
            staging = DirectoryPublisher.CreateStaging(target);
            foreach (var folder in jobs.Select(j => Path.GetDirectoryName(j.Image)!).Concat(jobs.Where(j => j.Mask is not null).Select(j => Path.GetDirectoryName(j.Mask)!)).Distinct())
            {
                Directory.CreateDirectory(Path.Combine(staging, folder));
            }

            var generator = new SyntheticPartGenerator(options.Seed);
            RunAll(jobs, job => WriteOne(generator, staging, job, options.Size));
            DirectoryPublisher.Publish(staging, target, overwrite: false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new InvalidSettingException("--out", $"'{target}' cannot be written: {ex.Message}", ex);
        }
        finally
        {
            if (staging is not null)
            {
                DirectoryPublisher.TryDeleteTree(staging);
            }
        }

        return new SyntheticMvtecSummary(
            target,
            options.Category,
            defects,
            [.. jobs.Select(j => Path.Combine(target, j.Image))],
            [.. jobs.Where(j => j.Mask is not null).Select(j => Path.Combine(target, j.Mask!))]);
    }

    private static List<Job> Jobs(SyntheticMvtecOptions options, IReadOnlyList<string> defects)
    {
        var jobs = new List<Job>();
        for (var k = 0; k < options.TrainGood; k++)
        {
            jobs.Add(new Job(SyntheticPartGenerator.Good, k, Path.Combine("train", "good", $"{k:D3}.png"), null));
        }

        for (var k = 0; k < options.TestGood; k++)
        {
            jobs.Add(new Job(SyntheticPartGenerator.Good, options.TrainGood + k, Path.Combine("test", "good", $"{k:D3}.png"), null));
        }

        foreach (var defect in defects)
        {
            for (var k = 0; k < options.TestPerDefect; k++)
            {
                jobs.Add(new Job(defect, k, Path.Combine("test", defect, $"{k:D3}.png"), Path.Combine("ground_truth", defect, $"{k:D3}_mask.png")));
            }
        }

        return jobs;
    }

    // Parts are independent and deterministic per (class, index): the order of writing does not matter.
    private static void RunAll(List<Job> jobs, Action<Job> write)
    {
        try
        {
            Parallel.ForEach(jobs, write);
        }
        catch (AggregateException ex) when (ex.Flatten().InnerExceptions.FirstOrDefault(e => e is IOException or UnauthorizedAccessException or EdgeTransferException) is { } first)
        {
            ExceptionDispatchInfo.Capture(first).Throw();
        }
    }

    private static void WriteOne(SyntheticPartGenerator generator, string staging, Job job, int size)
    {
        var rgb = new byte[size * size * 3];
        var mask = new byte[size * size];
        generator.Generate(job.DefectClass, job.Index, size, rgb, mask);
        using (var image = Image.LoadPixelData<Rgb24>(rgb, size, size))
        {
            Save(image, Path.Combine(staging, job.Image), ImageEncoder);
        }

        if (job.Mask is not null)
        {
            using var maskImage = Image.LoadPixelData<L8>(mask, size, size);
            Save(maskImage, Path.Combine(staging, job.Mask), MaskEncoder);
        }
    }

    // Flushed to disk before the final rename, so that a crash after it cannot leave empty files behind.
    private static void Save(Image image, string path, PngEncoder encoder)
    {
        using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None);
        image.SaveAsPng(file, encoder);
        file.Flush(flushToDisk: true);
    }

    private sealed record Job(string DefectClass, int Index, string Image, string? Mask);
}
