using EdgeTransfer.Fuzzing;
using Xunit.Abstractions;

// Surfaces run one after another: each reports its own peak RSS, and the memory check sees one surface at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace EdgeTransfer.Fuzz.Tests;

/// <summary>A few hundred seeded mutations per surface: every input ends in success or a clear error, within the limits.</summary>
public sealed class FuzzHarnessTests(ITestOutputHelper output)
{
    public static TheoryData<string> Surfaces => [.. FuzzSurfaces.Names];

    [Theory]
    [MemberData(nameof(Surfaces))]
    public void Surface_FixedSeed_EveryInputSucceedsOrIsRefusedClearly(string name)
    {
        // Given a surface and a fixed seed
        using var failures = new Testing.TempDirectory();
        var options = new FuzzOptions
        {
            Count = int.TryParse(Environment.GetEnvironmentVariable("EDGETRANSFER_FUZZ_COUNT"), out var count) ? count : 250,
            Seed = 20261202,
            FailureDirectory = failures.Path,
        };
        using var surface = FuzzSurfaces.Create(name);

        // When its mutated inputs are run
        var report = FuzzRunner.Run(surface, options, output.WriteLine);

        // Then none failed, none hung, memory stayed under the unit's limit
        output.WriteLine($"{name}: {report.Inputs} inputs, {report.Successes} ok, {report.ClearErrors} clear errors, {report.Failures} failures, slowest {report.SlowestMs:0.0} ms, peak RSS {report.PeakRssBytes >> 20} MiB");
        Assert.Equal(options.Count, report.Inputs);
        Assert.False(report.Aborted);
        Assert.True(report.Failures == 0, string.Join("\n", report.FirstFailures.Select(f => $"iteration {f.Iteration}: {f.Reason}")));
        Assert.True(report.ClearErrors > 0, "the mutations never reached a refusal: they are too weak");
        Assert.InRange(report.PeakRssBytes, 0, FuzzOptions.UnitMemoryMaxBytes);
    }
}
