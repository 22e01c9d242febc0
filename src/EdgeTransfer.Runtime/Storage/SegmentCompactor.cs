using EdgeTransfer.Artifacts.IO;

namespace EdgeTransfer.Runtime.Storage;

/// <summary>
/// Compaction: copies the live samples into new segment files (each written to a temporary file, fsync'ed and
/// renamed), and only then deletes the old segments, reclaiming removed samples and skipped damage.
/// </summary>
/// <remarks>
/// A crash at any point leaves every live sample on the disk: until the new files are complete the old ones
/// are untouched, and a sample found in both is taken from the newer (see <see cref="SampleIndex.Apply"/>).
/// Not thread-safe: <see cref="SampleStore"/> calls it under its lock.
/// </remarks>
internal sealed class SegmentCompactor(SegmentFiles segments, SampleIndex index, SampleStoreOptions options)
{
    /// <summary>The compactions done since the store was opened.</summary>
    public int Count { get; private set; }

    /// <summary>Compacts when removed samples take more than a quarter of the capacity (and more than a segment).</summary>
    public void CompactIfWorthIt()
    {
        var dead = segments.DiskBytes - index.LiveBytes;
        if (dead > Math.Max(options.MaxTotalBytes / 4, options.SegmentBytes))
        {
            Compact();
        }
    }

    /// <exception cref="SampleStoreException">The disk refused a write; the old segments are kept and nothing is lost.</exception>
    public void Compact()
    {
        segments.CloseActive();
        var oldNumbers = segments.Numbers.ToList();
        var written = new List<int>();
        var moved = new List<(SampleEntry Entry, int Segment, long Offset)>();
        var damaged = new List<long>();
        try
        {
            using var reader = new SegmentReader(segments);
            var batch = new List<(SampleEntry Entry, byte[] Record)>();
            long batchBytes = 0;
            foreach (var entry in index.Entries)
            {
                var record = reader.ReadIntact(entry);
                if (record is null)
                {
                    damaged.Add(entry.Id);
                    continue;
                }

                if (record[SampleRecordCodec.HeaderBytes] == (byte)RecordKind.Sample
                    && BitConverter.ToUInt16(record, SampleRecordCodec.HeaderBytes + SampleRecordCodec.CommonPayloadBytes) != entry.ClassIndex)
                {
                    // A relabelled sample is written with its new class, so the relabel record can go.
                    SampleRecordCodec.PatchClass(record, entry.ClassIndex);
                }

                batch.Add((entry, record));
                batchBytes += record.Length;
                if (batchBytes >= options.SegmentBytes)
                {
                    WriteBatch(batch, written, moved);
                    batch.Clear();
                    batchBytes = 0;
                }
            }

            if (batch.Count > 0)
            {
                WriteBatch(batch, written, moved);
            }
        }
        catch (IOException ex)
        {
            // The new files are copies; the old segments are untouched and still hold everything.
            foreach (var number in written)
            {
                segments.Delete(number);
            }

            throw new SampleStoreException(segments.DirectoryPath, $"compaction failed ({ex.Message}); the old segments are kept and nothing was lost.", ex);
        }

        // Every live sample is now durable in the new segments: the old ones can go, oldest first, so that a
        // crash in between never leaves a tombstone deleted while the sample it removes is still on the disk.
        foreach (var number in oldNumbers)
        {
            segments.Delete(number);
        }

        DirectorySync.Flush(segments.DirectoryPath);
        foreach (var (entry, segment, offset) in moved)
        {
            entry.Segment = segment;
            entry.Offset = offset;
        }

        foreach (var id in damaged)
        {
            index.Remove(id);
        }

        segments.Skipped.RemoveAll(s => oldNumbers.Contains(SegmentFiles.ParseNumber(s.SegmentFile)));
        Count++;
    }

    private void WriteBatch(List<(SampleEntry Entry, byte[] Record)> batch, List<int> written, List<(SampleEntry, int, long)> moved)
    {
        var offsets = new long[batch.Count];
        var number = segments.WriteWhole([.. batch.Select(b => b.Record)], offsets);
        written.Add(number);
        for (var i = 0; i < batch.Count; i++)
        {
            moved.Add((batch[i].Entry, number, offsets[i]));
        }
    }
}
