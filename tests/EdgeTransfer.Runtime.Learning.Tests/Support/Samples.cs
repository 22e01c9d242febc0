using EdgeTransfer.Runtime.Storage;

namespace EdgeTransfer.Runtime.Learning.Tests.Support;

/// <summary>Seeded Gaussian blobs (one centre per class, unit noise) written into a real sample store.</summary>
internal static class Samples
{
    /// <summary>Adds <paramref name="perClass"/>[c] samples of class c, drawn around its centre, and returns the store's <see cref="SampleSet"/>.</summary>
    /// <param name="directory">The store directory (created).</param>
    /// <param name="features">D.</param>
    /// <param name="perClass">Samples per class, in class order.</param>
    /// <param name="seed">The seed of centres and noise; the same seed gives the same centres whatever the counts.</param>
    /// <param name="centreScale">How far apart the centres are (std of their coordinates); 3 is cleanly separable at D = 16.</param>
    /// <param name="classes">The class names; <see cref="LearningBundle.Classes"/> when null.</param>
    /// <param name="noiseSeed">The seed of the noise around the centres: another value draws other parts of the same classes (held-out data).</param>
    public static SampleSet Fill(string directory, int features, int[] perClass, int seed = 1, double centreScale = 3, IReadOnlyList<string>? classes = null, int noiseSeed = 0)
    {
        classes ??= LearningBundle.Classes;
        var centreRng = new Random(seed);
        var centres = classes.Select(_ => Enumerable.Range(0, features).Select(_ => Gaussian(centreRng) * centreScale).ToArray()).ToArray();
        // Not HashCode.Combine: it is seeded per process, so the same seeds drew other samples in every test run and a test
        // that needs its data to overfit (early stopping) failed now and then.
        var rng = new Random(unchecked((seed * 1_000_003) + noiseSeed));
        using var store = SampleStore.Open(directory, new SampleStoreSchema(features, classes), new SampleStoreOptions { MaxPerClass = 100_000 });
        var vector = new float[features];
        var added = 0;
        // Interleave the classes, as a line would label them.
        for (var round = 0; round < perClass.Max(); round++)
        {
            for (var c = 0; c < classes.Count; c++)
            {
                if (round >= perClass[c])
                {
                    continue;
                }

                for (var k = 0; k < features; k++)
                {
                    vector[k] = (float)(centres[c][k] + Gaussian(rng));
                }

                store.Add(classes[c], vector, $"frame-{added++}");
            }
        }

        return store.ReadAll();
    }

    private static double Gaussian(Random rng) =>
        Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
}
