namespace EdgeTransfer.Runtime.Storage;

/// <summary>What the store knows about one sample, without its feature values (read those with <see cref="SampleStore.ReadFeatures"/>).</summary>
/// <param name="Id">The store's id of the sample: unique, increasing in the order samples were added.</param>
/// <param name="Label">The class name.</param>
/// <param name="ClassIndex">The index of <paramref name="Label"/> in the store's class list.</param>
/// <param name="Timestamp">When the sample was added (UTC, millisecond precision).</param>
/// <param name="FrameId">The id of the frame the features came from.</param>
/// <param name="JpegBytes">The size of the audit JPEG kept with the sample, or 0 when there is none.</param>
/// <param name="RecordBytes">The bytes the sample takes on the disk (counted against the byte limit).</param>
public sealed record StoredSample(
    long Id,
    string Label,
    int ClassIndex,
    DateTimeOffset Timestamp,
    string FrameId,
    int JpegBytes,
    int RecordBytes)
{
    /// <summary>For an augmented view of a frame, the id of the frame's own sample; null for a frame's own sample.</summary>
    public long? PartOf { get; init; }
}
