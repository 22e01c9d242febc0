using System.Globalization;
using EdgeTransfer.Artifacts.IO;
using EdgeTransfer.Artifacts.Manifest;
using EdgeTransfer.Runtime.Heads;
using EdgeTransfer.Runtime.Learning.Tests.Support;
using EdgeTransfer.Testing;
using EdgeTransfer.Training;
using Xunit.Abstractions;

namespace EdgeTransfer.Runtime.Learning.Tests.CrashHelper;

/// <summary>
/// Real crashes: a child process (this assembly's <see cref="Program"/>) trains and promotes heads in a loop and
/// is killed with SIGKILL at random moments; after each kill the head in service must be the last promoted one,
/// whole, and must load and predict.
/// </summary>
public class KillDuringTrainingTests(ITestOutputHelper output)
{
    private const int Rounds = 6;

    [Fact]
    public void OnDeviceTrainer_KilledDuringTrainingAndPromotion_RestartsOnTheLastPromotedHead()
    {
        // Given a bundle, stored samples, and a child process that trains and promotes in a loop
        using var temp = new TempDirectory();
        var bundle = LearningBundle.Write(temp.Combine("bundle"));
        var samples = Samples.Fill(temp.Combine("store"), bundle.Manifest.Features.Size, [30, 30, 30]);
        var heads = temp.Combine("heads");
        var random = new Random(20261126);
        var lastNumber = 0;
        for (var round = 1; round <= Rounds; round++)
        {
            // When it is killed with SIGKILL at a random moment
            var lines = RunAndKill(bundle.DirectoryPath, heads, temp.Combine("store"), round, random.Next(50, 1500));
            var reported = lines.Where(l => l.StartsWith("promoted ", StringComparison.Ordinal) || l.StartsWith("ready ", StringComparison.Ordinal))
                .Select(l => int.Parse(l.Split(' ')[1], CultureInfo.InvariantCulture)).Max();

            // Then the registry opens on the last head the child reported promoted, or on the one whose pointer
            // switch it had just made when it died (the report line did not get out)
            using var registry = HeadRegistry.Open(heads, bundle.Manifest.BundleId);
            var current = registry.Current;
            Assert.NotNull(current);
            Assert.InRange(current.Number, reported, reported + 1);
            Assert.True(current.Number >= lastNumber, $"round {round}: went back from v{lastNumber} to {current.Name}");
            lastNumber = current.Number;

            // And it is whole (the checksum was verified on open and again now), loads, and predicts probabilities
            var head = registry.ReadCurrent();
            Assert.Equal(current.Number.ToString(CultureInfo.InvariantCulture), head.Metadata["headVersion"]);
            using var predictor = HeadPredictor.Load(bundle.GetPath(BundleRoles.InferenceModel), head);
            var probabilities = predictor.Predict(samples.Features);
            Assert.All(probabilities, p => Assert.True(float.IsFinite(p) && p >= 0 && p <= 1));
            for (var r = 0; r < samples.Count; r++)
            {
                Assert.Equal(1f, probabilities.AsSpan(r * 3, 3).ToArray().Sum(), 3);
            }

            // And no half-written file is left to be read: temporary files are gone, nothing above the head in
            // service survives, and every repair is of an unfinished write, never a damaged committed head
            Assert.Empty(Directory.GetFiles(heads, "*" + AtomicFile.TempSuffix));
            Assert.All(registry.Versions, v => Assert.True(v.Number <= current.Number));
            Assert.All(registry.Issues, i => Assert.True(i.Contains("did not finish", StringComparison.Ordinal), i));
            var trained = current.Source == HeadSource.Trained ? $"trained, accuracy {current.Metrics!.ValidationAccuracy:F3}" : current.Source.ToString();
            output.WriteLine($"round {round}: killed after {lines.Count - 1} promotions reported (last {reported}), serving {current.Name} ({trained}); repairs: {(registry.Issues.Count == 0 ? "none" : string.Join(" | ", registry.Issues))}");
        }
    }

    private static IReadOnlyList<string> RunAndKill(string bundle, string heads, string store, int seed, int delayMs) =>
        ChildProcess.RunAndKill(typeof(Program).Assembly.Location, [Program.TrainLoop, bundle, heads, store, seed.ToString(CultureInfo.InvariantCulture)], delayMs);
}
