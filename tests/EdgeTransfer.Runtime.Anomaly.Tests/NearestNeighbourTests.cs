namespace EdgeTransfer.Runtime.Anomaly.Tests;

public class NearestNeighbourTests
{
    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(7, 3, 5)] // fewer bank rows than a panel, fewer queries than a block
    [InlineData(333, 37, 41)] // odd sizes everywhere: padding rows and padding queries
    [InlineData(1000, 128, 784)] // a device-sized image against a small bank
    public void Vectorised_EqualsTheScalarReference(int bankRows, int dimensions, int queries)
    {
        var bank = new MemoryBank(SyntheticMaps.RandomRows(bankRows, dimensions, 1), dimensions);
        var query = SyntheticMaps.RandomRows(queries, dimensions, 2);
        var expected = new float[queries];
        var actual = new float[queries];
        var parallel = new float[queries];

        new ScalarNearestNeighbour(bank).NearestDistances(query, queries, expected);
        new VectorisedNearestNeighbour(bank).NearestDistances(query, queries, actual);
        new VectorisedNearestNeighbour(bank, threads: 2).NearestDistances(query, queries, parallel);

        for (var i = 0; i < queries; i++)
        {
            // ‖q‖² + ‖b‖² − 2q·b in float loses about 1e-6 of the norms; the distances here are of order √(2d).
            Assert.Equal(expected[i], actual[i], 2e-3f * MathF.Sqrt(dimensions));
        }

        Assert.Equal(actual, parallel);
    }

    [Fact]
    public void Vectorised_FindsTheExactRow_AtDistanceZero_AndTheRightNeighbourAmongClosePairs()
    {
        var rows = SyntheticMaps.RandomRows(50, 16, 3);
        var bank = new MemoryBank(rows, 16);
        var distances = new float[2];
        var queries = new float[32];
        rows.AsSpan(17 * 16, 16).CopyTo(queries); // row 17 itself
        rows.AsSpan(40 * 16, 16).CopyTo(queries.AsSpan(16));
        queries[16] += 0.5f; // row 40 moved by 0.5 along one axis

        new VectorisedNearestNeighbour(bank).NearestDistances(queries, 2, distances);

        Assert.Equal(0f, distances[0], 1e-3f);
        Assert.Equal(0.5f, distances[1], 1e-3f);
    }

    [Fact]
    public void NearestDistances_WithTooFewQueryValues_IsRefused()
    {
        var bank = new MemoryBank(SyntheticMaps.RandomRows(4, 8, 1), 8);
        var search = new VectorisedNearestNeighbour(bank);
        Assert.Throws<ArgumentException>(() => search.NearestDistances(new float[15], 2, new float[2]));
    }

    [Fact]
    public void MemoryBank_WithANonFiniteValue_IsRefusedNamingTheRow()
    {
        var rows = new float[12];
        rows[9] = float.NaN;
        var error = Assert.Throws<ArgumentException>(() => new MemoryBank(rows, 4));
        Assert.Contains("row 2", error.Message, StringComparison.Ordinal);
    }
}
