using System.Runtime.InteropServices;
using EdgeTransfer.Imaging.Augmentation;
using EdgeTransfer.Imaging.Datasets;
using EdgeTransfer.Imaging.Decoding;
using EdgeTransfer.Imaging.Preprocessing;
using EdgeTransfer.Runtime.Features;
using EdgeTransfer.Training;
using SixLabors.ImageSharp.PixelFormats;

namespace EdgeTransfer.Benchmarks.Heads;

/// <summary>The pooled features of every readable image of one ImageFolder split, one backbone run per image (batch 1, as on the device).</summary>
/// <param name="Features">Row-major [N, D].</param>
/// <param name="Labels">The class index of every row, in the bundle's order.</param>
/// <param name="FeatureSize">D.</param>
/// <param name="Skipped">Files that could not be read, with the reason.</param>
/// <param name="ViewFeatures">The features of every row's augmented views, row-major [N, V, D]; empty without augmentation.</param>
/// <param name="Views">V, the augmented views per row.</param>
internal sealed record ImageFeatures(float[] Features, long[] Labels, int FeatureSize, IReadOnlyList<SkippedImage> Skipped, float[] ViewFeatures, int Views)
{
    public int Count => Labels.Length;

    /// <summary>Runs the backbone over the images of <paramref name="directory"/>.</summary>
    /// <param name="directory">The split's folder, one sub-folder per class.</param>
    /// <param name="classes">The bundle's classes, in order.</param>
    /// <param name="session">The backbone.</param>
    /// <param name="preprocessor">The bundle's preprocessing.</param>
    /// <param name="augmenter">Also runs the backbone on every image's augmented views; null for none.</param>
    /// <param name="cancellationToken">Checked between images.</param>
    public static ImageFeatures Extract(string directory, IReadOnlyList<string> classes, BackboneSession session, ImagePreprocessor preprocessor, FrameAugmenter? augmenter, CancellationToken cancellationToken)
    {
        var dataset = ImageFolderDataset.Open(directory);
        var unknown = dataset.ClassNames.Where(c => !classes.Contains(c, StringComparer.Ordinal)).ToList();
        if (dataset.IsFlat || unknown.Count > 0)
        {
            throw new ImageDatasetException(dataset.Directory, $"its class folders must be the bundle's classes ({string.Join(", ", classes)}); {(dataset.IsFlat ? "it has none" : $"not classes: {string.Join(", ", unknown)}")}.");
        }

        var features = new List<float>();
        var views = new List<float>();
        var labels = new List<long>();
        byte[] pixels = [], view = [];
        foreach (var item in dataset.ReadImages(new HardenedImageDecoder()))
        {
            using (item)
            {
                cancellationToken.ThrowIfCancellationRequested();
                preprocessor.Preprocess(item.Image, session.Input);
                features.AddRange(session.Run());
                labels.Add(IndexOf(classes, item.Entry.ClassName!));
                if (augmenter is null)
                {
                    continue;
                }

                var (width, height) = (item.Image.Width, item.Image.Height);
                Array.Resize(ref pixels, Math.Max(pixels.Length, width * height * 3));
                Array.Resize(ref view, Math.Max(view.Length, width * height * 3));
                item.Image.CopyPixelDataTo(MemoryMarshal.Cast<byte, Rgb24>(pixels.AsSpan(0, width * height * 3)));
                for (var v = 0; v < augmenter.Views; v++)
                {
                    var (w, h) = augmenter.Render(pixels, width, height, width * 3, v, (ulong)labels.Count, view);
                    preprocessor.Preprocess(view.AsSpan(0, w * h * 3), w, h, w * 3, session.Input);
                    views.AddRange(session.Run());
                }
            }
        }

        return new ImageFeatures([.. features], [.. labels], session.FeatureSize, dataset.Skipped, [.. views], augmenter?.Views ?? 0);
    }

    /// <summary>All rows as a feature set.</summary>
    public FeatureSet ToFeatureSet() => new(Features, Labels, FeatureSize);

    /// <summary>A seeded draw of <paramref name="perClass"/> rows of every class (all of a class that has fewer).</summary>
    public FeatureSet Draw(int perClass, int classCount, int seed) => Build(DrawRows(perClass, classCount, seed), withViews: false).Data;

    /// <summary>The same draw as <see cref="Draw"/>, followed by the augmented views of its rows, and the part of every row (a view's is its image's).</summary>
    public (FeatureSet Data, long[] Parts) DrawWithViews(int perClass, int classCount, int seed) => Build(DrawRows(perClass, classCount, seed), withViews: true);

    private List<int> DrawRows(int perClass, int classCount, int seed)
    {
        var rng = new Artifacts.Randomness.SplitMix64(unchecked((ulong)seed * 0x9E37_79B9_7F4A_7C15UL) + (ulong)perClass);
        var rows = new List<int>();
        for (var c = 0; c < classCount; c++)
        {
            var ofClass = Enumerable.Range(0, Count).Where(i => Labels[i] == c).ToList();
            for (var i = ofClass.Count - 1; i > 0; i--)
            {
                var j = rng.NextInt(i + 1);
                (ofClass[i], ofClass[j]) = (ofClass[j], ofClass[i]);
            }

            rows.AddRange(ofClass.Take(perClass));
        }

        return rows;
    }

    private (FeatureSet Data, long[] Parts) Build(List<int> rows, bool withViews)
    {
        var d = FeatureSize;
        var views = withViews ? Views : 0;
        var count = rows.Count * (1 + views);
        var values = new float[count * d];
        var labels = new long[count];
        var parts = new long[count];
        for (var i = 0; i < rows.Count; i++)
        {
            Features.AsSpan(rows[i] * d, d).CopyTo(values.AsSpan(i * d, d));
            (labels[i], parts[i]) = (Labels[rows[i]], i);
            for (var v = 0; v < views; v++)
            {
                var at = rows.Count + (i * views) + v;
                ViewFeatures.AsSpan(((rows[i] * views) + v) * d, d).CopyTo(values.AsSpan(at * d, d));
                (labels[at], parts[at]) = (Labels[rows[i]], i);
            }
        }

        return (new FeatureSet(values, labels, d), parts);
    }

    private static int IndexOf(IReadOnlyList<string> classes, string name)
    {
        for (var i = 0; i < classes.Count; i++)
        {
            if (classes[i] == name)
            {
                return i;
            }
        }

        return -1;
    }
}
