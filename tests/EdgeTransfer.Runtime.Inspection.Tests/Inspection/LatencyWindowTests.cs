
namespace EdgeTransfer.Runtime.Inspection.Tests.Inspection;

public sealed class LatencyWindowTests
{
    [Fact]
    public void Summarize_GivesNearestRankPercentiles_OfKnownSamples()
    {
        // Given the samples 1 … 100 ms, recorded in a scrambled order
        var window = new LatencyWindow(1000);
        foreach (var v in Enumerable.Range(1, 100).OrderBy(i => (i * 37) % 101))
        {
            window.Record(v);
        }

        // When they are summarised
        var s = window.Summarize();

        // Then p50/p95/p99 are the 50th, 95th and 99th samples
        Assert.Equal(100, s.Count);
        Assert.Equal(100, s.WindowCount);
        Assert.Equal(50, s.P50);
        Assert.Equal(95, s.P95);
        Assert.Equal(99, s.P99);
        Assert.Equal(100, s.Max);
        Assert.Equal(50.5, s.Mean, 9);
    }

    [Fact]
    public void Summarize_CoversOnlyTheLatestSamples_WhenTheWindowIsFull()
    {
        // Given a window of 10 that saw 1 … 25
        var window = new LatencyWindow(10);
        for (var v = 1; v <= 25; v++)
        {
            window.Record(TimeSpan.FromMilliseconds(v));
        }

        // When summarised
        var s = window.Summarize();

        // Then only 16 … 25 count
        Assert.Equal(25, s.Count);
        Assert.Equal(10, s.WindowCount);
        Assert.Equal(20, s.P50);
        Assert.Equal(25, s.P95);
        Assert.Equal(25, s.Max);
    }

    [Fact]
    public void Summarize_IsNaN_WhenNothingWasRecorded_AndIgnoresInvalidSamples()
    {
        // Given a window that got only invalid samples
        var window = new LatencyWindow();
        window.Record(double.NaN);
        window.Record(-1);

        // When summarised
        var s = window.Summarize();

        // Then there is nothing to report
        Assert.Equal(0, s.Count);
        Assert.True(double.IsNaN(s.P50));
    }

    [Theory]
    [InlineData(new double[] { 7 }, 50, 7)]
    [InlineData(new double[] { 1, 2 }, 50, 1)]
    [InlineData(new double[] { 1, 2 }, 51, 2)]
    [InlineData(new double[] { 1, 2, 3, 4 }, 75, 3)]
    [InlineData(new double[] { 1, 2, 3, 4 }, 100, 4)]
    public void Percentile_IsTheSmallestSampleWithThatShareAtOrBelowIt(double[] sorted, double percent, double expected)
    {
        // Given sorted samples
        // When a percentile is taken
        var actual = LatencyWindow.Percentile(sorted, percent);

        // Then it is the nearest rank
        Assert.Equal(expected, actual);
    }

    [Fact]
    public async Task Record_CountsEverySample_FromConcurrentWriters()
    {
        // Given a window
        var window = new LatencyWindow(64);

        // When four threads record 10,000 samples each
        await Task.WhenAll(Enumerable.Range(0, 4).Select(t => Task.Run(() =>
        {
            for (var i = 0; i < 10_000; i++)
            {
                window.Record(t + 1);
            }
        })));

        // Then every sample is counted and the window holds only recorded values
        var s = window.Summarize();
        Assert.Equal(40_000, s.Count);
        Assert.Equal(64, s.WindowCount);
        Assert.InRange(s.P50, 1, 4);
    }
}
