using EdgeTransfer.Imaging.Datasets;
using EdgeTransfer.Imaging.Decoding;
using EdgeTransfer.Imaging.Preprocessing;
using EdgeTransfer.Runtime.Features;
using EdgeTransfer.Training;

namespace EdgeTransfer.Benchmarks.Heads;

/// <summary>The pooled features of every readable image of one ImageFolder split, one backbone run per image (batch 1, as on the device).</summary>
/// <param name="Features">Row-major [N, D].</param>
/// <param name="Labels">The class index of every row, in the bundle's order.</param>
/// <param name="FeatureSize">D.</param>
/// <param name="Skipped">Files that could not be read, with the reason.</param>
internal sealed record ImageFeatures(float[] Features, long[] Labels, int FeatureSize, IReadOnlyList<SkippedImage> Skipped)
{
    public int Count => Labels.Length;

    /// <summary>Runs the backbone over the images of <paramref name="directory"/>.</summary>
    public static ImageFeatures Extract(string directory, IReadOnlyList<string> classes, BackboneSession session, ImagePreprocessor preprocessor, CancellationToken cancellationToken)
    {
        var dataset = ImageFolderDataset.Open(directory);
        var unknown = dataset.ClassNames.Where(c => !classes.Contains(c, StringComparer.Ordinal)).ToList();
        if (dataset.IsFlat || unknown.Count > 0)
        {
            throw new ImageDatasetException(dataset.Directory, $"its class folders must be the bundle's classes ({string.Join(", ", classes)}); {(dataset.IsFlat ? "it has none" : $"not classes: {string.Join(", ", unknown)}")}.");
        }

        var features = new List<float>();
        var labels = new List<long>();
        foreach (var item in dataset.ReadImages(new HardenedImageDecoder()))
        {
            using (item)
            {
                cancellationToken.ThrowIfCancellationRequested();
                preprocessor.Preprocess(item.Image, session.Input);
                features.AddRange(session.Run());
                labels.Add(IndexOf(classes, item.Entry.ClassName!));
            }
        }

        return new ImageFeatures([.. features], [.. labels], session.FeatureSize, dataset.Skipped);
    }

    /// <summary>All rows as a feature set.</summary>
    public FeatureSet ToFeatureSet() => new(Features, Labels, FeatureSize);

    /// <summary>A seeded draw of <paramref name="perClass"/> rows of every class (all of a class that has fewer).</summary>
    public FeatureSet Draw(int perClass, int classCount, int seed)
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

        var values = new float[rows.Count * FeatureSize];
        for (var i = 0; i < rows.Count; i++)
        {
            Features.AsSpan(rows[i] * FeatureSize, FeatureSize).CopyTo(values.AsSpan(i * FeatureSize, FeatureSize));
        }

        return new FeatureSet(values, [.. rows.Select(r => Labels[r])], FeatureSize);
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
