namespace EdgeTransfer.Runtime.Anomaly.Tests;

public class CoresetSamplerTests
{
    private const int Dimensions = 24;

    [Theory]
    [InlineData(0)]
    [InlineData(8)] // distances measured after a projection to 8 dimensions
    public void Select_KeepsEveryFarOutlier_WhichARandomSampleOfTheSameSizeWouldMiss(int samplingDimensions)
    {
        // 2000 rows in a tight cluster and 5 rare patches far away (a good part's rare but normal detail).
        var (rows, outliers) = ClusterWithOutliers();

        var chosen = CoresetSampler.Select(rows, 2005, Dimensions, budget: 20, seed: 1, samplingDimensions);

        Assert.Equal(20, chosen.Length);
        Assert.Equal(20, chosen.Distinct().Count());
        Assert.All(outliers, o => Assert.Contains(o, chosen));
    }

    [Fact]
    public void Select_CoversTheDataWithinASmallerRadiusThanARandomSample()
    {
        // In 3 dimensions (in many, distances concentrate and every choice covers alike).
        var rows = SyntheticMaps.RandomRows(3000, 3, 9);
        var greedy = CoresetSampler.Select(rows, 3000, 3, budget: 60, seed: 2);
        var random = Enumerable.Range(0, 3000).OrderBy(i => (i * 2654435761u) % 3001).Take(60).ToArray();

        Assert.True(CoveringRadius(rows, 3, greedy) < 0.75 * CoveringRadius(rows, 3, random));
    }

    [Fact]
    public void Select_IsFixedByTheSeed_AndKeepsAllRowsWhenTheBudgetAllows()
    {
        var rows = SyntheticMaps.RandomRows(500, Dimensions, 4);
        Assert.Equal(CoresetSampler.Select(rows, 500, Dimensions, 30, 5), CoresetSampler.Select(rows, 500, Dimensions, 30, 5));
        Assert.Equal(Enumerable.Range(0, 500), CoresetSampler.Select(rows, 500, Dimensions, 500, 5));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(16)]
    public void Select_PicksTheSameRows_WhenPassesAreSplitOverThreads(int samplingDimensions)
    {
        // Given rows enough for the split (a pass over more than 1 MB)
        var rows = SyntheticMaps.RandomRows(6000, 48, 21);

        // When one and three threads select
        var one = CoresetSampler.Select(rows, 6000, 48, budget: 80, seed: 3, samplingDimensions);
        var three = CoresetSampler.Select(rows, 6000, 48, budget: 80, seed: 3, samplingDimensions, threads: 3);

        // Then the picks are the same, in the same order
        Assert.Equal(one, three);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(16)]
    public void Select_OnHalfPrecisionRows_PicksWhatItPicksOnTheSameValuesInSinglePrecision(int samplingDimensions)
    {
        // Given rows rounded to half precision (a fit keeps its bank parts' embeddings so), in both widths; more than
        // one block of the block-wise widening
        var halves = SyntheticMaps.RandomRows(1000, 48, 8).Select(v => (Half)v).ToArray();
        var singles = halves.Select(h => (float)h).ToArray();

        // When the two overloads select
        var fromHalves = CoresetSampler.Select((ReadOnlySpan<Half>)halves, 1000, 48, budget: 40, seed: 6, samplingDimensions, threads: 2);
        var fromSingles = CoresetSampler.Select(singles, 1000, 48, budget: 40, seed: 6, samplingDimensions, threads: 2);

        // Then they pick the same rows, and the bank holds those rows' values
        Assert.Equal(fromSingles, fromHalves);
        var bank = MemoryBank.FromRows((ReadOnlySpan<Half>)halves, 48, fromHalves);
        Assert.Equal(fromHalves.SelectMany(r => singles.Skip(r * 48).Take(48)), bank.Rows);
    }

    [Fact]
    public void Select_WithZeroThreads_IsRefused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => CoresetSampler.Select(SyntheticMaps.RandomRows(10, 4, 1), 10, 4, 2, 1, threads: 0));

    private static (float[] Rows, int[] Outliers) ClusterWithOutliers()
    {
        // Each outlier is moved 10 units in its own random direction.
        var rows = SyntheticMaps.RandomRows(2005, Dimensions, 8, scale: 0.1f);
        var directions = SyntheticMaps.RandomRows(5, Dimensions, 12);
        int[] outliers = [3, 700, 1200, 1999, 2004];
        for (var o = 0; o < outliers.Length; o++)
        {
            var direction = directions.AsSpan(o * Dimensions, Dimensions);
            var length = MathF.Sqrt(System.Numerics.Tensors.TensorPrimitives.SumOfSquares(direction));
            for (var k = 0; k < Dimensions; k++)
            {
                rows[(outliers[o] * Dimensions) + k] += 10f * direction[k] / length;
            }
        }

        return (rows, outliers);
    }

    private static double CoveringRadius(float[] rows, int dimensions, int[] chosen)
    {
        var bank = MemoryBank.FromRows(rows, dimensions, chosen);
        var distances = new float[rows.Length / dimensions];
        new ScalarNearestNeighbour(bank).NearestDistances(rows, distances.Length, distances);
        return distances.Max();
    }
}
