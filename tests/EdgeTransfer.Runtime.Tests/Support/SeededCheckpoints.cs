using EdgeTransfer.Artifacts.Checkpoints;
using EdgeTransfer.Runtime.Heads;

namespace EdgeTransfer.Runtime.Tests.Support;

/// <summary>Head checkpoints whose every value follows from a seed recorded in their metadata, so a reader can prove it got the whole file.</summary>
internal static class SeededCheckpoints
{
    public const string SeedKey = "test.seed";
    public const string BundleId = "test-bundle-3c";

    public static HeadCheckpoint Checkpoint(long seed, int features = 8, int classes = 3)
    {
        var weight = new NamedTensor("head.weight", [features, classes], Values(seed, 0, features * classes));
        var bias = new NamedTensor("head.bias", [classes], Values(seed, 1, classes));
        var m = new NamedTensor("adam.m.head.weight", [features, classes], Values(seed, 2, features * classes));
        var v = new NamedTensor("adam.v.head.weight", [features, classes], Values(seed, 3, features * classes));
        return new HeadCheckpoint([weight, bias], [m, v], seed, new Dictionary<string, string> { [SeedKey] = seed.ToString(System.Globalization.CultureInfo.InvariantCulture) });
    }

    /// <summary>Whether every value of <paramref name="checkpoint"/> is what its recorded seed says.</summary>
    public static bool IsConsistent(HeadCheckpoint checkpoint)
    {
        var seed = long.Parse(checkpoint.Metadata[SeedKey], System.Globalization.CultureInfo.InvariantCulture);
        var tensors = checkpoint.Parameters.Concat(checkpoint.OptimizerState).ToList();
        return tensors.Select((t, i) => t.Data.SequenceEqual(Values(seed, i, t.Data.Length))).All(ok => ok);
    }

    public static HeadMetrics Metrics(double accuracy, int samples = 30, params (string Name, double Accuracy, int Samples)[] perClass) =>
        new(accuracy, samples, samples * 4, [.. perClass.Select(c => new ClassMetrics(c.Name, c.Accuracy, c.Samples))]);

    private static float[] Values(long seed, int tensor, int count)
    {
        var values = new float[count];
        var state = (ulong)seed * 0x9E3779B97F4A7C15UL + (ulong)tensor;
        for (var i = 0; i < count; i++)
        {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            values[i] = (state % 20001) / 10000f - 1f;
        }

        return values;
    }
}
