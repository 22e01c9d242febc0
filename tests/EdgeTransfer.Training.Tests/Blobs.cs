namespace EdgeTransfer.Training.Tests;

/// <summary>Seeded, separable Gaussian blobs: one centre per class, unit noise around it.</summary>
internal static class Blobs
{
    public static (FeatureSet Train, FeatureSet Test) Make(int classes, int dimension, int trainPerClass, int testPerClass, int seed, double centreScale = 1.0)
    {
        var rng = new Random(seed);
        var centres = Enumerable.Range(0, classes)
            .Select(_ => Enumerable.Range(0, dimension).Select(_ => Gaussian(rng) * centreScale).ToArray())
            .ToArray();
        return (Sample(rng, centres, trainPerClass), Sample(rng, centres, testPerClass));
    }

    private static FeatureSet Sample(Random rng, double[][] centres, int perClass)
    {
        var d = centres[0].Length;
        var n = centres.Length * perClass;
        var features = new float[n * d];
        var labels = new long[n];
        for (var i = 0; i < n; i++)
        {
            var c = i % centres.Length;
            labels[i] = c;
            for (var k = 0; k < d; k++)
            {
                features[(i * d) + k] = (float)(centres[c][k] + Gaussian(rng));
            }
        }

        return new FeatureSet(features, labels, d);
    }

    private static double Gaussian(Random rng) =>
        Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
}
