namespace EdgeTransfer.Runtime.Storage;

/// <summary>A snapshot of a store's contents and health, for status reports and telemetry.</summary>
public sealed record SampleStoreStatistics
{
    /// <summary>Live samples per class name (every class of the schema is present, possibly with 0).</summary>
    public required IReadOnlyDictionary<string, int> CountsByClass { get; init; }

    /// <summary>Live samples in all.</summary>
    public required int TotalSamples { get; init; }

    /// <summary>Bytes of the live samples' records: what the byte limit counts.</summary>
    public required long LiveBytes { get; init; }

    /// <summary>Bytes of all segment files, including removed samples that compaction has not yet reclaimed.</summary>
    public required long DiskBytes { get; init; }

    /// <summary>The number of segment files.</summary>
    public required int Segments { get; init; }

    /// <summary>Damaged records or torn tails skipped since the store was opened (see <see cref="Skipped"/>).</summary>
    public int SkippedRecords => Skipped.Count;

    /// <summary>Each damaged stretch skipped, with the file, offset and reason.</summary>
    public required IReadOnlyList<SkippedRecord> Skipped { get; init; }

    /// <summary>Samples evicted by the capacity limits since the store was opened.</summary>
    public required long Evicted { get; init; }

    /// <summary>Compactions run since the store was opened.</summary>
    public required int Compactions { get; init; }
}
