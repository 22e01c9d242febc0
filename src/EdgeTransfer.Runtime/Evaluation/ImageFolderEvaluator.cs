using System.Runtime.InteropServices;
using EdgeTransfer.Artifacts.Text;
using EdgeTransfer.Imaging.Datasets;
using EdgeTransfer.Imaging.Decoding;
using EdgeTransfer.Runtime.Capture;
using EdgeTransfer.Runtime.Inspection;
using SixLabors.ImageSharp.PixelFormats;

namespace EdgeTransfer.Runtime.Evaluation;

/// <summary>
/// Evaluates the head of an <see cref="InspectionPipeline"/> on an ImageFolder tree whose class folders are named
/// after the bundle's classes: every readable image goes through the pipeline's stages (preprocess → backbone →
/// head → verdict), exactly as a part on the line would.
/// </summary>
/// <remarks>
/// The folder is checked before any image is decoded: a folder without class folders, a class folder that is
/// not a class of the bundle, or an empty class folder is refused with what to do. Unreadable images are skipped
/// and listed in the report with their reasons.
/// </remarks>
public static class ImageFolderEvaluator
{
    /// <summary>Lists <paramref name="directory"/> and checks its class folders against <paramref name="classes"/>.</summary>
    /// <param name="directory">An ImageFolder tree: <c>&lt;dir&gt;/&lt;class&gt;/*.png|jpg|jpeg|bmp</c>.</param>
    /// <param name="classes">The bundle's classes.</param>
    /// <param name="bundleId">The bundle, as messages name it.</param>
    /// <returns>The listed folder (no image decoded yet).</returns>
    /// <exception cref="ImageDatasetException">The folder is missing or empty, has no class folders, a class folder is not a class of the bundle, or one holds no image.</exception>
    public static ImageFolderDataset Open(string directory, IReadOnlyList<string> classes, string bundleId)
    {
        ArgumentNullException.ThrowIfNull(classes);
        var dataset = ImageFolderDataset.Open(directory);
        var expected = $"expected one folder per class of bundle {bundleId} ({string.Join(", ", classes)}) holding its images";
        if (dataset.IsFlat)
        {
            throw new ImageDatasetException(dataset.Directory, $"its images lie in the folder itself, so they have no class; {expected}.");
        }

        var unknown = dataset.ClassNames.Where(c => !classes.Contains(c, StringComparer.Ordinal)).ToList();
        if (unknown.Count > 0)
        {
            var named = string.Join(", ", unknown.Select(u => $"'{u}'{NameSuggestions.DidYouMean(u, classes)}"));
            throw new ImageDatasetException(dataset.Directory, $"{(unknown.Count == 1 ? "class folder" : "class folders")} {named} {(unknown.Count == 1 ? "is not a class" : "are not classes")} of the bundle; {expected}. Rename or remove {(unknown.Count == 1 ? "it" : "them")}.");
        }

        var empty = dataset.ClassNames.Where(c => !dataset.Entries.Any(e => e.ClassName == c)).ToList();
        if (empty.Count > 0)
        {
            throw new ImageDatasetException(dataset.Directory, $"class {(empty.Count == 1 ? "folder" : "folders")} {string.Join(", ", empty.Select(e => $"'{e}'"))} {(empty.Count == 1 ? "holds" : "hold")} no image files ({string.Join(", ", ImageFolderDataset.Extensions)}); add images of the class or remove the folder.");
        }

        return dataset;
    }

    /// <summary>Runs every readable image of <paramref name="dataset"/> through <paramref name="pipeline"/> and reports.</summary>
    /// <param name="pipeline">The stages and the head to evaluate (its last frame is overwritten: use one that is not inspecting a line).</param>
    /// <param name="dataset">A folder checked by <see cref="Open"/> against the pipeline's classes.</param>
    /// <param name="decoder">Limits of the hardened decoder; defaults when null.</param>
    /// <param name="cancellationToken">Stops between two images.</param>
    /// <returns>The report; <see cref="EvaluationReport.Skipped"/> lists the files that could not be used.</returns>
    /// <exception cref="ImageDatasetException">Not one image could be read.</exception>
    /// <exception cref="EdgeTransferException">ONNX Runtime failed on an image.</exception>
    public static EvaluationReport Evaluate(InspectionPipeline pipeline, ImageFolderDataset dataset, ImageDecoderOptions? decoder = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        ArgumentNullException.ThrowIfNull(dataset);
        var classes = pipeline.Policy.Classes;
        var head = pipeline.HeadVersion;
        var tally = new EvaluationTally(pipeline.Policy);
        var pixels = Array.Empty<byte>();
        long id = 0;
        foreach (var item in dataset.ReadImages(new HardenedImageDecoder(decoder)))
        {
            using (item)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var trueClass = IndexOf(classes, item.Entry.ClassName!);
                var image = item.Image;
                var length = image.Width * image.Height * 3;
                if (pixels.Length < length)
                {
                    pixels = new byte[length];
                }

                image.CopyPixelDataTo(MemoryMarshal.Cast<byte, Rgb24>(pixels.AsSpan(0, length)));
                var frame = new Frame(++id, DateTimeOffset.UtcNow, image.Width, image.Height, pixels.AsMemory(0, length), item.Entry.ClassName, "evaluate", item.Entry.Path);
                tally.Add(trueClass, pipeline.Inspect(frame).Probabilities);
            }
        }

        return tally.ToReport(pipeline.Bundle.BundleId, head, dataset.Directory, dataset.Skipped);
    }

    private static int IndexOf(IReadOnlyList<string> classes, string name)
    {
        for (var i = 0; i < classes.Count; i++)
        {
            if (string.Equals(classes[i], name, StringComparison.Ordinal))
            {
                return i;
            }
        }

        throw new ArgumentException($"'{name}' is not a class of the pipeline; open the folder with {nameof(Open)} first.", nameof(name));
    }
}
