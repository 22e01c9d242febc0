using System.Globalization;
using EdgeTransfer.Runtime.Anomaly.Registry;

namespace EdgeTransfer.Runtime.Anomaly.Tests.CrashHelper;

/// <summary>
/// The entry point of this assembly when it runs as the child process of the kill -9 test
/// (<c>dotnet EdgeTransfer.Runtime.Anomaly.Tests.dll fit-loop &lt;registry&gt; &lt;seed&gt;</c>): it fits and promotes
/// anomaly models in a loop, printing a line after every promotion, until the test kills it with SIGKILL. xunit
/// never calls it.
/// </summary>
public static class Program
{
    public const string FitLoop = "fit-loop";

    public const string BundleId = "bundle-kill";

    /// <summary>Maps between the tests' small ones and ResNet18's: 256 patches of 192 values.</summary>
    public static readonly FeatureLayout Layout = new(new FeatureMapShape(64, 16, 16), new FeatureMapShape(128, 8, 8));

    public static int Main(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Length < 3 || args[0] != FitLoop)
        {
            return 2;
        }

        var seed = int.Parse(args[2], CultureInfo.InvariantCulture);
        using var registry = AnomalyModelRegistry.Open(args[1], BundleId, keep: 3);
        if (registry.Current is null)
        {
            registry.Promote(Fit(seed, 0));
        }

        Console.Out.WriteLine($"ready {registry.Current!.Number}");
        Console.Out.Flush();
        for (var i = 1; ; i++)
        {
            // Each fit takes a tenth of a second or so and each promotion writes a bank of about 2 MB, so a kill
            // lands in the embedding, the coreset, the calibration or the middle of a promotion's writes.
            var version = registry.Promote(Fit(seed, i));
            Console.Out.WriteLine($"promoted {version.Number}");
            Console.Out.Flush();
        }
    }

    /// <summary>A model from 12 good images (a new set every round), the full bank of the 10 not held out: about 2 MB.</summary>
    public static AnomalyFitResult Fit(int seed, int round)
    {
        var first = (seed * 10_000) + (round * 12);
        var samples = Enumerable.Range(first, 12).Select(i => new AnomalySample(SyntheticMaps.Good(Layout, i), IsDefect: false)).ToList();
        return new AnomalyFitter(new AnomalyFitOptions { ProjectionDimensions = 0, CoresetRatio = 1, Seed = seed + round }).Fit(samples);
    }
}
