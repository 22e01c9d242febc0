using System.Globalization;
using EdgeTransfer.Artifacts.Bundles;
using EdgeTransfer.Runtime.Heads;
using EdgeTransfer.Runtime.Storage;

namespace EdgeTransfer.Runtime.Learning.Tests.CrashHelper;

/// <summary>
/// The entry point of this assembly when it runs as the child process of the kill -9 test
/// (<c>dotnet EdgeTransfer.Runtime.Learning.Tests.dll train-loop &lt;bundle&gt; &lt;heads&gt; &lt;store&gt; &lt;seed&gt;</c>):
/// it trains and promotes heads in a loop, printing a line after every promotion, until the test kills it with
/// SIGKILL. xunit never calls it.
/// </summary>
public static class Program
{
    public const string TrainLoop = "train-loop";

    public static int Main(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Length < 5 || args[0] != TrainLoop)
        {
            return 2;
        }

        var seed = int.Parse(args[4], CultureInfo.InvariantCulture);
        var bundle = BundleReader.Open(args[1]);
        using var registry = HeadRegistry.OpenForBundle(args[2], bundle, new HeadRegistryOptions { KeepHeads = 3 });
        SampleSet samples;
        using (var store = SampleStore.Open(args[3], new SampleStoreSchema(bundle.Manifest.Features.Size, bundle.Manifest.Classes)))
        {
            samples = store.ReadAll();
        }

        Console.Out.WriteLine($"ready {registry.Current!.Number}");
        Console.Out.Flush();
        for (var i = 1; ; i++)
        {
            // A new seed every run gives a different head every time; margin 1 promotes each of them, so the
            // kill lands in training, in evaluation or in the middle of a promotion's writes.
            var trainer = new OnDeviceTrainer(bundle, registry, new OnDeviceTrainerOptions
            {
                Epochs = 8,
                LearningRate = 0.05,
                Seed = (seed * 1000) + i,
                Gate = { Margin = 1 },
            });
            var result = trainer.Train(samples);
            Console.Out.WriteLine(result.Promoted ? $"promoted {result.PromotedVersion!.Number}" : $"kept {result.Outcome}");
            Console.Out.Flush();
        }
    }
}
