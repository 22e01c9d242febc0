using EdgeTransfer.Artifacts.Randomness;
using EdgeTransfer.Training;

namespace EdgeTransfer.Benchmarks.Training;

/// <summary>
/// Seeded stand-ins for cached backbone features: non-negative (as after ResNet's final ReLU and pooling),
/// one Gaussian cluster per class whose centres differ a little in every dimension, so the classes are
/// separable-ish — the head has something to learn, and the loss goes down as on real features.
/// </summary>
public static class SyntheticFeatures
{
    /// <summary>Creates <paramref name="samples"/> labelled rows of <paramref name="featureSize"/> values, classes in turn.</summary>
    /// <param name="samples">Rows, at least 1.</param>
    /// <param name="featureSize">D, at least 1.</param>
    /// <param name="classCount">C, at least 2.</param>
    /// <param name="seed">The seed; the same arguments give the same values everywhere.</param>
    public static FeatureSet Create(int samples, int featureSize, int classCount, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(samples, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(featureSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(classCount, 2);
        var rng = new SplitMix64(unchecked((ulong)seed));
        // Centre offsets of 0.15 σ per dimension: over 512 dimensions two centres are ~4.8 σ apart, so a linear
        // head separates most but not all samples.
        var centres = new float[classCount * featureSize];
        for (var i = 0; i < centres.Length; i++)
        {
            centres[i] = 1f + (0.15f * rng.NextGaussian());
        }

        var features = new float[samples * featureSize];
        var labels = new long[samples];
        for (var s = 0; s < samples; s++)
        {
            var c = s % classCount;
            labels[s] = c;
            for (var d = 0; d < featureSize; d++)
            {
                features[(s * featureSize) + d] = Math.Max(0f, centres[(c * featureSize) + d] + rng.NextGaussian());
            }
        }

        return new FeatureSet(features, labels, featureSize);
    }
}
