using Microsoft.Win32.SafeHandles;

namespace EdgeTransfer.Runtime.Storage;

/// <summary>
/// Read handles on the segment files for one operation (a read, a compaction). Every record read is checked
/// again (framing and CRC-32C); one that no longer verifies is reported in <see cref="SegmentFiles.Skipped"/>
/// and not returned.
/// </summary>
internal sealed class SegmentReader(SegmentFiles segments) : IDisposable
{
    private readonly Dictionary<int, SafeFileHandle> _handles = [];

    /// <summary>The whole record of <paramref name="entry"/>, header included, or null when it no longer verifies.</summary>
    public byte[]? ReadIntact(SampleEntry entry)
    {
        var path = segments.PathOf(entry.Segment);
        var record = new byte[entry.RecordBytes];
        int read;
        try
        {
            if (!_handles.TryGetValue(entry.Segment, out var handle))
            {
                handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                _handles[entry.Segment] = handle;
            }

            read = RandomAccess.Read(handle, record, entry.Offset);
        }
        catch (IOException ex)
        {
            Skip(entry, $"sample {entry.Id} cannot be read: {ex.Message}");
            return null;
        }

        if (read != record.Length || !SampleRecordCodec.IsIntact(record, 0, out var length) || length != record.Length)
        {
            Skip(entry, $"sample {entry.Id} changed on the disk after the store was opened (its CRC-32C no longer matches); it was skipped.");
            return null;
        }

        return record;
    }

    /// <summary>Reads the features of <paramref name="entry"/> into <paramref name="destination"/>; false when its record no longer verifies.</summary>
    public bool TryReadFeatures(SampleEntry entry, int featureDimension, int classCount, float[] destination)
    {
        var record = ReadIntact(entry);
        if (record is null)
        {
            return false;
        }

        var payload = record.AsSpan(SampleRecordCodec.HeaderBytes);
        var invalid = SampleRecordCodec.TryDecode(payload, featureDimension, classCount, out var decoded);
        if (invalid is not null || decoded.Kind != RecordKind.Sample || decoded.Id != entry.Id)
        {
            Skip(entry, $"sample {entry.Id} changed on the disk after the store was opened.");
            return false;
        }

        SampleRecordCodec.ReadFloats(payload[decoded.FeatureOffset..], destination);
        return true;
    }

    public void Dispose()
    {
        foreach (var handle in _handles.Values)
        {
            handle.Dispose();
        }
    }

    private void Skip(SampleEntry entry, string reason) =>
        segments.Skipped.Add(new SkippedRecord(Path.GetFileName(segments.PathOf(entry.Segment)), entry.Offset, entry.RecordBytes, reason, false));
}
