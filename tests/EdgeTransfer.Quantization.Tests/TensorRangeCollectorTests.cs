using EdgeTransfer.Quantization.Calibration;

namespace EdgeTransfer.Quantization.Tests;

public sealed class TensorRangeCollectorTests
{
    [Fact]
    public void PercentileRange_IgnoresRareOutliers_WhereMinMaxFollowsThem()
    {
        // Given 1,000,000 values uniform on [-1, 1] and 20 outliers at ±1000, added in batches
        var rng = new Random(7);
        var collector = new TensorRangeCollector();
        for (var batch = 0; batch < 10; batch++)
        {
            var values = new float[100_000];
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = (float)((rng.NextDouble() * 2) - 1);
            }

            values[0] = 1000f;
            values[1] = -1000f;
            collector.Add(values);
        }

        // When
        var minMax = collector.MinMaxRange();
        var percentile = collector.PercentileRange(99.99);

        // Then min/max spans the outliers, the 99.99th percentile spans the bulk (within one bin, < 1 %)
        Assert.Equal(-1000f, minMax.Min);
        Assert.Equal(1000f, minMax.Max);
        Assert.InRange(percentile.Min, -1.01f, -0.99f);
        Assert.InRange(percentile.Max, 0.99f, 1.01f);
        Assert.Equal(1_000_000, collector.Count);
    }

    [Fact]
    public void PercentileRange_OfAGaussian_MatchesItsQuantiles()
    {
        // Given N(2, 0.5²): the 99.9 % central interval is μ ± 3.29σ
        var rng = new Random(3);
        var collector = new TensorRangeCollector();
        var values = new float[2_000_000];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = (float)(2 + (0.5 * Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble())));
        }

        collector.Add(values);

        var range = collector.PercentileRange(99.9);

        Assert.InRange(range.Min, 2 - (3.29 * 0.5 * 1.02), 2 - (3.29 * 0.5 * 0.98));
        Assert.InRange(range.Max, 2 + (3.29 * 0.5 * 0.98), 2 + (3.29 * 0.5 * 1.02));
    }

    [Fact]
    public void PercentileRange_At100_IsMinMax()
    {
        var collector = new TensorRangeCollector();
        collector.Add([0.5f, -0.25f, 3f, 0f]);

        Assert.Equal(collector.MinMaxRange(), collector.PercentileRange(100));
    }

    [Fact]
    public void Add_SkipsNonFiniteValues_AndCountsThem()
    {
        var collector = new TensorRangeCollector(keepHistogram: false);

        collector.Add([1f, float.NaN, float.PositiveInfinity, -2f]);

        Assert.Equal(2, collector.Count);
        Assert.Equal(2, collector.NonFiniteCount);
        Assert.Equal(new(-2f, 1f), collector.MinMaxRange());
        Assert.Throws<InvalidOperationException>(() => collector.PercentileRange(99));
    }

    [Fact]
    public void MinMaxRange_WithoutValues_Throws()
    {
        Assert.Throws<InvalidOperationException>(() => new TensorRangeCollector().MinMaxRange());
    }
}
