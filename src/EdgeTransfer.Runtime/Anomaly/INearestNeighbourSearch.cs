namespace EdgeTransfer.Runtime.Anomaly;

/// <summary>The distance from each query embedding to its nearest row of a memory bank.</summary>
/// <remarks>Implementations are interchangeable, so a benchmark can compare them on the same bank.</remarks>
public interface INearestNeighbourSearch
{
    /// <summary>The memory bank searched.</summary>
    MemoryBank Bank { get; }

    /// <summary>Writes the Euclidean distance from each query to its nearest bank row.</summary>
    /// <param name="queries">Row-major queries of <see cref="MemoryBank.Dimensions"/> values each.</param>
    /// <param name="count">The number of queries.</param>
    /// <param name="distances">Receives <paramref name="count"/> distances.</param>
    void NearestDistances(ReadOnlySpan<float> queries, int count, Span<float> distances);
}
