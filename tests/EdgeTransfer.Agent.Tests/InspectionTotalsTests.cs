using EdgeTransfer.Agent.Publishing;
using EdgeTransfer.Runtime.Inspection;

namespace EdgeTransfer.Agent.Tests;

/// <summary>The totals that telemetry and status report: the loop in service plus the loops deployments retired.</summary>
public sealed class InspectionTotalsTests
{
    [Fact]
    public void Of_AddsTheRetiredLoops_SoThatABundleSwapNeverMakesATotalGoBack()
    {
        // Given a loop that inspected 10 frames and was retired by a deployment
        var totals = new InspectionTotals();
        totals.Retire(Statistics(frames: 10, errors: 1, rejects: 2, ("good", 8), ("scratch", 2)));

        // When the new loop has inspected 3 frames
        var (frames, rejects, errors, verdicts, _) = totals.Of(Statistics(frames: 3, errors: 0, rejects: 1, ("good", 2), ("dent", 1)));

        // Then every figure counts both loops, per class too
        Assert.Equal(13, frames);
        Assert.Equal(3, rejects);
        Assert.Equal(1, errors);
        Assert.Equal(new Dictionary<string, long> { ["good"] = 10, ["scratch"] = 2, ["dent"] = 1 }, verdicts);
    }

    [Fact]
    public void Of_KeepsTheRetiredTotals_WhenNoLoopInspects()
    {
        // Given a retired loop and a host that does not inspect
        var totals = new InspectionTotals();
        totals.Retire(Statistics(frames: 5, errors: 0, rejects: 0, ("good", 5)));

        // When the totals are read without a loop in service
        var (frames, _, _, verdicts, latency) = totals.Of(null);

        // Then the retired figures remain and there is no latency to report
        Assert.Equal(5, frames);
        Assert.Equal(5, verdicts["good"]);
        Assert.Null(latency);
    }

    [Fact]
    public void Of_ReportsTheLatencyOfTheLoopInService_RoundedToHundredthsOfAMillisecond_AndNoneBeforeItsFirstFrame()
    {
        var totals = new InspectionTotals();

        var measured = totals.Of(Statistics(frames: 1, errors: 0, rejects: 0, latency: new LatencySummary(1, 1, 12.3456, 20.001, 30.999, 31, 15)));
        var empty = totals.Of(Statistics(frames: 0, errors: 0, rejects: 0, latency: new LatencySummary(0, 0, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN)));

        Assert.NotNull(measured.Latency);
        Assert.Equal((12.35, 20.0, 31.0), (measured.Latency.P50, measured.Latency.P95, measured.Latency.P99));
        Assert.Null(empty.Latency);
    }

    private static InspectionStatistics Statistics(long frames, long errors, long rejects, params (string Name, long Count)[] verdicts) =>
        Statistics(frames, errors, rejects, null, verdicts);

    private static InspectionStatistics Statistics(long frames, long errors, long rejects, LatencySummary? latency, params (string Name, long Count)[] verdicts) => new(
        frames,
        errors,
        rejects,
        verdicts.ToDictionary(v => v.Name, v => v.Count, StringComparer.Ordinal),
        new Dictionary<VerdictOutcome, long>(),
        new Dictionary<InspectionErrorKind, long>(),
        latency is null ? new Dictionary<InspectionStage, LatencySummary>() : new Dictionary<InspectionStage, LatencySummary> { [InspectionStage.Total] = latency },
        IsPaused: false,
        HeadVersion: "v1");
}
