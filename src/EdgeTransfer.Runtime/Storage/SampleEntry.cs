namespace EdgeTransfer.Runtime.Storage;

/// <summary>
/// What the index knows of one live sample: its label, time and frame id, and where its record is on the disk
/// (segment number, byte offset, length), so that its features can be read back without a scan.
/// </summary>
/// <remarks>The class changes with a relabel and the location with a compaction; the rest never changes.</remarks>
internal sealed class SampleEntry(long id, int classIndex, long timestampMs, string frameId, int segment, long offset, int recordBytes, int jpegLength)
{
    public long Id { get; } = id;

    public int ClassIndex { get; set; } = classIndex;

    public long TimestampMs { get; } = timestampMs;

    public string FrameId { get; } = frameId;

    public int Segment { get; set; } = segment;

    public long Offset { get; set; } = offset;

    public int RecordBytes { get; } = recordBytes;

    public int JpegLength { get; } = jpegLength;

    /// <summary>For an augmented view, the id of its frame's own sample; null for a frame's own sample.</summary>
    public long? PartOf { get; init; }

    public StoredSample ToSample(IReadOnlyList<string> classes) =>
        new(Id, classes[ClassIndex], ClassIndex, DateTimeOffset.FromUnixTimeMilliseconds(TimestampMs), FrameId, JpegLength, RecordBytes) { PartOf = PartOf };
}
