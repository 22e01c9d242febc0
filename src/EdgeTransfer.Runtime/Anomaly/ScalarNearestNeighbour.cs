namespace EdgeTransfer.Runtime.Anomaly;

/// <summary>
/// The reference search: every query against every bank row, differences squared and summed in double
/// precision. Slow and plainly correct; tests hold the fast search to it.
/// </summary>
public sealed class ScalarNearestNeighbour : INearestNeighbourSearch
{
    /// <summary>Creates the search over <paramref name="bank"/>.</summary>
    /// <param name="bank">The memory bank.</param>
    public ScalarNearestNeighbour(MemoryBank bank)
    {
        ArgumentNullException.ThrowIfNull(bank);
        Bank = bank;
    }

    /// <inheritdoc />
    public MemoryBank Bank { get; }

    /// <inheritdoc />
    public void NearestDistances(ReadOnlySpan<float> queries, int count, Span<float> distances)
    {
        var d = Bank.Dimensions;
        NearestNeighbourArguments.Check(queries, count, d, distances);
        var rows = Bank.Rows;
        for (var q = 0; q < count; q++)
        {
            var query = queries.Slice(q * d, d);
            var best = double.PositiveInfinity;
            for (var r = 0; r < Bank.Count; r++)
            {
                var sum = 0.0;
                for (var k = 0; k < d; k++)
                {
                    var diff = (double)query[k] - rows[(r * d) + k];
                    sum += diff * diff;
                }

                best = Math.Min(best, sum);
            }

            distances[q] = (float)Math.Sqrt(best);
        }
    }
}
