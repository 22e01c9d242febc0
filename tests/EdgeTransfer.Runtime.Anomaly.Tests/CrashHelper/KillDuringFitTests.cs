using System.Globalization;
using EdgeTransfer.Artifacts.IO;
using EdgeTransfer.Runtime.Anomaly.Registry;
using EdgeTransfer.Testing;
using Xunit.Abstractions;

namespace EdgeTransfer.Runtime.Anomaly.Tests.CrashHelper;

/// <summary>
/// Real crashes (issue 10): a child process (this assembly's <see cref="Program"/>) fits and promotes anomaly models in
/// a loop and is killed with SIGKILL at random moments, during a fit or during a promotion's writes; after each kill
/// the model in service must be the last promoted one (or the one whose pointer switch was the last thing done),
/// whole, and must score.
/// </summary>
public class KillDuringFitTests(ITestOutputHelper output)
{
    // A few rounds in the default run (each starts a process); tools/scripts/anomaly-kill-trials.sh runs 20.
    private static int Rounds => int.TryParse(Environment.GetEnvironmentVariable("EDGETRANSFER_KILL_TRIALS"), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : 4;

    [UnixFact]
    public void Registry_KilledDuringFitAndPromotion_KeepsTheModelInServiceIntact()
    {
        using var temp = new TempDirectory();
        var directory = temp.Combine("anomaly");
        var random = new Random(20261202);
        var last = 0;
        var killedInPromotion = 0;
        for (var round = 1; round <= Rounds; round++)
        {
            // When the child is killed with SIGKILL at a random moment
            var lines = ChildProcess.RunAndKill(typeof(Program).Assembly.Location, [Program.FitLoop, directory, round.ToString(CultureInfo.InvariantCulture)], random.Next(20, 900));
            var reported = lines.Where(l => l.StartsWith("promoted ", StringComparison.Ordinal) || l.StartsWith("ready ", StringComparison.Ordinal))
                .Select(l => int.Parse(l.Split(' ')[1], CultureInfo.InvariantCulture)).Max();

            // Then the registry opens on the last model reported promoted, or the next one if its pointer was written
            using var registry = AnomalyModelRegistry.Open(directory, Program.BundleId, keep: 3);
            var current = registry.Current;
            Assert.NotNull(current);
            Assert.InRange(current.Number, reported, reported + 1);
            Assert.True(current.Number >= last, $"round {round}: went back from a{last:D4} to {current.Name}");
            last = current.Number;

            // And it is whole (SHA-256 verified on open and again now) and scores a good part below a defect
            var model = registry.ReadCurrent()!;
            var scorer = new AnomalyScorer(model);
            var good = scorer.Score(SyntheticMaps.Good(Program.Layout, 999_999));
            var defect = scorer.Score(SyntheticMaps.Defect(Program.Layout, 999_998, 4, 4));
            Assert.True(float.IsFinite(good.Score) && defect.Score > good.Score, $"round {round}: good {good.Score}, defect {defect.Score}");

            // And nothing half-written is left to be read: only unfinished writes were repaired, never a committed model
            Assert.Empty(Directory.GetFiles(directory, "*" + AtomicFile.TempSuffix));
            Assert.All(registry.Versions, v => Assert.True(v.Number <= current.Number));
            Assert.All(registry.Issues, i => Assert.True(i.Contains("did not finish", StringComparison.Ordinal), i));
            killedInPromotion += registry.Issues.Count > 0 ? 1 : 0;
            output.WriteLine($"round {round}: {lines.Count - 1} promotions reported (last a{reported:D4}), serving {current.Name}; repairs: {(registry.Issues.Count == 0 ? "none" : string.Join(" | ", registry.Issues))}");
        }

        output.WriteLine($"{Rounds} kills, {killedInPromotion} of them in the middle of a promotion's writes; the model in service was intact every time.");
    }
}
