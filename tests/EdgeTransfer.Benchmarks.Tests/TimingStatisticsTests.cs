namespace EdgeTransfer.Benchmarks.Tests;

public class TimingStatisticsTests
{
    [Fact]
    public void From_TakesMedianAndP90_ByRank_RegardlessOfOrder()
    {
        // Given ten timings in no order
        double[] values = [10, 1, 9, 2, 8, 3, 7, 4, 6, 5];

        // When summarised
        var stats = TimingStatistics.From(values);

        // Then the median is the mean of the middle pair and p90 interpolates between ranks 9 and 10
        Assert.Equal(10, stats.Count);
        Assert.Equal(5.5, stats.Median, 9);
        Assert.Equal(9.1, stats.P90, 9);
        Assert.Equal(1, stats.Min);
        Assert.Equal(10, stats.Max);
    }

    [Fact]
    public void Scale_MultipliesEveryFigure()
    {
        var stats = TimingStatistics.From([8.0, 16.0]).Scale(1.0 / 8);

        Assert.Equal(1.5, stats.Median, 9);
        Assert.Equal(1, stats.Min, 9);
        Assert.Equal(2, stats.Max, 9);
    }

    [Fact]
    public void From_RejectsNoValues_AndNonFiniteValues()
    {
        Assert.Throws<ArgumentException>(() => TimingStatistics.From([]));
        Assert.Throws<ArgumentException>(() => TimingStatistics.From([1.0, double.NaN]));
    }
}
