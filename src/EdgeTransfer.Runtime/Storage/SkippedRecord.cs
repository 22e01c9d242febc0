namespace EdgeTransfer.Runtime.Storage;

/// <summary>A damaged stretch of a segment file that the store skipped; the samples around it survive.</summary>
/// <param name="SegmentFile">The segment file name (within the store directory).</param>
/// <param name="Offset">Where the damage starts, in bytes from the start of the file.</param>
/// <param name="Bytes">How many bytes were skipped.</param>
/// <param name="Reason">What was wrong, as a sentence.</param>
/// <param name="IsTornTail">Whether this is an append that was cut short at the end of a file (a power cut).</param>
public sealed record SkippedRecord(string SegmentFile, long Offset, long Bytes, string Reason, bool IsTornTail)
{
    /// <inheritdoc />
    public override string ToString() => $"{SegmentFile} at byte {Offset} ({Bytes} bytes skipped): {Reason}";
}
