namespace EdgeTransfer.Runtime.Anomaly;

/// <summary>The argument checks every <see cref="INearestNeighbourSearch"/> shares.</summary>
internal static class NearestNeighbourArguments
{
    public static void Check(ReadOnlySpan<float> queries, int count, int dimensions, Span<float> distances)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (queries.Length < (long)count * dimensions)
        {
            throw new ArgumentException($"{count} queries of {dimensions} dimensions need {(long)count * dimensions} values; {queries.Length} were given.", nameof(queries));
        }

        if (distances.Length < count)
        {
            throw new ArgumentException($"{count} queries need {count} distances; the destination has {distances.Length}.", nameof(distances));
        }
    }
}
