using System.Globalization;
using EdgeTransfer.Runtime.Heads;
using EdgeTransfer.Runtime.Storage;
using EdgeTransfer.Runtime.Tests.Support;

namespace EdgeTransfer.Runtime.Tests.CrashHelper;

/// <summary>
/// The entry point of this assembly when it runs as the child process of the kill -9 tests
/// (<c>dotnet EdgeTransfer.Runtime.Tests.dll promote-loop &lt;dir&gt;</c>). It works in a loop and prints a line
/// after every commit, until the test kills it with SIGKILL. xunit never calls it.
/// </summary>
public static class Program
{
    public const string PromoteLoop = "promote-loop";
    public const string AppendLoop = "append-loop";

    public static int Main(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Length < 3)
        {
            return 0;
        }

        var seed = int.Parse(args[2], CultureInfo.InvariantCulture);
        switch (args[0])
        {
            case PromoteLoop:
                RunPromoteLoop(args[1], seed);
                return 0;
            case AppendLoop:
                RunAppendLoop(args[1], seed);
                return 0;
            default:
                return 2;
        }
    }

    // Promotes (and now and then rolls back) heads large enough that a kill often lands inside a write.
    private static void RunPromoteLoop(string directory, int seed)
    {
        var random = new Random(seed);
        using var registry = HeadRegistry.Open(directory, SeededCheckpoints.BundleId, new HeadRegistryOptions { KeepHeads = 3 });
        registry.Initialize(SeededCheckpoints.Checkpoint(seed * 1000L, features: 512, classes: 16));
        Console.Out.WriteLine($"ready {registry.Current!.Number}");
        Console.Out.Flush();
        for (var i = 1; ; i++)
        {
            var version = random.Next(5) == 0 && registry.Previous is not null
                ? registry.Rollback()
                : registry.Promote(SeededCheckpoints.Checkpoint((seed * 1000L) + i, features: 512, classes: 16), SeededCheckpoints.Metrics(0.9));
            Console.Out.WriteLine($"committed {version.Number}");
            Console.Out.Flush();
        }
    }

    private static void RunAppendLoop(string directory, int seed)
    {
        var schema = new SampleStoreSchema(256, ["good", "scratch", "dent"]);
        using var store = SampleStore.Open(directory, schema, new SampleStoreOptions { MaxPerClass = 40, SegmentBytes = 64 << 10, MaxTotalBytes = 1 << 20 });
        Console.Out.WriteLine($"ready {store.Count}");
        Console.Out.Flush();
        var jpeg = new byte[20_000];
        new Random(seed).NextBytes(jpeg);
        jpeg[0] = 0xFF;
        jpeg[1] = 0xD8;
        jpeg[2] = 0xFF;
        var features = new float[256];
        for (var i = 0; ; i++)
        {
            var sample = store.Add(schema.Classes[i % 3], FeaturesFor(seed, i, features), $"{seed}-{i}", jpeg);
            Console.Out.WriteLine($"added {sample.Id} {seed}-{i}");
            Console.Out.Flush();
        }
    }

    /// <summary>The features of sample <paramref name="i"/> of run <paramref name="seed"/>, so that a reader can check them.</summary>
    public static float[] FeaturesFor(int seed, int i, float[] into)
    {
        ArgumentNullException.ThrowIfNull(into);
        for (var k = 0; k < into.Length; k++)
        {
            into[k] = (seed * 1_000_003) + (i * 257) + k;
        }

        return into;
    }
}
