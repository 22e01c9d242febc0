using System.Globalization;
using EdgeTransfer.Artifacts.IO;
using EdgeTransfer.Runtime.Heads;
using EdgeTransfer.Runtime.Storage;
using EdgeTransfer.Runtime.Tests.Support;
using EdgeTransfer.Testing;
using Xunit.Abstractions;

namespace EdgeTransfer.Runtime.Tests.CrashHelper;

/// <summary>
/// Real crashes: a child process (this assembly's <see cref="Program"/>) promotes heads or appends samples in a
/// loop and is killed with SIGKILL at random moments; after each kill the state on the disk must open whole.
/// </summary>
public class KillDashNineTests(ITestOutputHelper output)
{
    private const int Rounds = 6;

    [Fact]
    public void HeadRegistry_KilledDuringPromotions_AlwaysOpensOnAnIntactPromotedHead()
    {
        // Given a child process that promotes and rolls back heads of ~100 kB as fast as it can
        using var temp = new TempDirectory();
        var random = new Random(20261126);
        for (var round = 1; round <= Rounds; round++)
        {
            // When it is killed with SIGKILL at a random moment
            var lines = RunAndKill(Program.PromoteLoop, temp.Path, round, random.Next(30, 600));
            var committed = lines.Where(l => l.StartsWith("committed ", StringComparison.Ordinal) || l.StartsWith("ready ", StringComparison.Ordinal))
                .Select(l => int.Parse(l.Split(' ')[1], CultureInfo.InvariantCulture)).Max();

            // Then the registry opens on a whole head: the last one the child reported, or the one it had
            // just committed when it died (the pointer moved, the report line did not get out)
            using var registry = HeadRegistry.Open(temp.Path, SeededCheckpoints.BundleId);
            var current = registry.Current;
            Assert.NotNull(current);
            Assert.InRange(current.Number, committed, committed + 1);
            var checkpoint = registry.ReadCurrent();
            Assert.True(SeededCheckpoints.IsConsistent(checkpoint), $"round {round}: the values of {current.Name} do not match its seed");
            Assert.Empty(Directory.GetFiles(temp.Path, "*" + AtomicFile.TempSuffix));
            Assert.All(registry.Versions, v => Assert.True(v.Number <= current.Number));
            output.WriteLine($"round {round}: {lines.Count - 1} commits reported, last {committed}, serving {current.Name}; repairs: {(registry.Issues.Count == 0 ? "none" : string.Join(" | ", registry.Issues))}");
        }
    }

    [Fact]
    public void SampleStore_KilledDuringAppends_KeepsEveryReportedSampleWhole()
    {
        // Given a child process that appends samples with JPEGs, evicting and compacting as it goes
        using var temp = new TempDirectory();
        var random = new Random(4242);
        var schema = new SampleStoreSchema(256, ["good", "scratch", "dent"]);
        for (var round = 1; round <= Rounds; round++)
        {
            // When it is killed with SIGKILL at a random moment
            var lines = RunAndKill(Program.AppendLoop, temp.Path, round, random.Next(30, 600));
            var added = lines.Where(l => l.StartsWith("added ", StringComparison.Ordinal)).Select(l => l.Split(' ')).ToList();

            // Then the store opens, the last sample the child reported is there, and every live sample is whole
            using var store = SampleStore.Open(temp.Path, schema, new SampleStoreOptions { MaxPerClass = 40, SegmentBytes = 64 << 10, MaxTotalBytes = 1 << 20 });
            if (added.Count > 0)
            {
                var lastId = long.Parse(added[^1][1], CultureInfo.InvariantCulture);
                Assert.Contains(store.Enumerate(), s => s.Id == lastId && s.FrameId == added[^1][2]);
            }

            var set = store.ReadAll();
            var samples = store.Enumerate().ToDictionary(s => s.Id);
            var expected = new float[256];
            for (var i = 0; i < set.Count; i++)
            {
                var frame = samples[set.Ids[i]].FrameId.Split('-');
                Program.FeaturesFor(int.Parse(frame[0], CultureInfo.InvariantCulture), int.Parse(frame[1], CultureInfo.InvariantCulture), expected);
                Assert.Equal(expected, set.FeaturesOf(i).ToArray());
            }

            Assert.All(store.Statistics.Skipped, s => Assert.True(s.IsTornTail, s.ToString()));
            Assert.Empty(Directory.GetFiles(temp.Path, "*" + AtomicFile.TempSuffix));
            output.WriteLine($"round {round}: {added.Count} appends reported, {store.Count} live, {store.Statistics.Segments} segments, skipped: {store.Statistics.SkippedRecords}");
        }
    }

    private static IReadOnlyList<string> RunAndKill(string mode, string directory, int seed, int delayMs) =>
        ChildProcess.RunAndKill(typeof(Program).Assembly.Location, [mode, directory, seed.ToString(CultureInfo.InvariantCulture)], delayMs);
}
