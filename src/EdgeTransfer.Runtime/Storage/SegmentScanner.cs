using System.Buffers.Binary;

namespace EdgeTransfer.Runtime.Storage;

/// <summary>A record found in a segment: where it is and what it says.</summary>
internal readonly record struct ScannedRecord(int Offset, int Bytes, SampleRecord Record);

/// <summary>A damaged stretch of a segment: its bytes are skipped, the records around it survive.</summary>
internal readonly record struct DamagedRegion(int Offset, int Bytes, string Reason, bool IsTornTail);

/// <summary>
/// Walks the records of one segment file. A record whose checksum fails, or bytes that are not a record,
/// are skipped up to the next intact record (found by its magic and checked by its CRC); an incomplete
/// last record is a torn tail (power lost during an append).
/// </summary>
internal static class SegmentScanner
{
    public static (List<ScannedRecord> Records, List<DamagedRegion> Damage) Scan(ReadOnlySpan<byte> data, int featureDimension, int classCount)
    {
        var records = new List<ScannedRecord>();
        var damage = new List<DamagedRegion>();
        var position = 0;
        while (position < data.Length)
        {
            if (SampleRecordCodec.IsIntact(data, position, out var bytes))
            {
                var payload = data.Slice(position + SampleRecordCodec.HeaderBytes, bytes - SampleRecordCodec.HeaderBytes);
                var invalid = SampleRecordCodec.TryDecode(payload, featureDimension, classCount, out var record);
                if (invalid is null)
                {
                    records.Add(new ScannedRecord(position, bytes, record));
                }
                else
                {
                    // The checksum holds, so the framing can be trusted: skip exactly this record.
                    damage.Add(new DamagedRegion(position, bytes, $"the record is intact but {invalid}", false));
                }

                position += bytes;
                continue;
            }

            var next = FindNextIntact(data, position + 1);
            var skipped = (next < 0 ? data.Length : next) - position;
            var reason = Describe(data, position, next < 0);
            damage.Add(new DamagedRegion(position, skipped, reason, next < 0 && LooksTorn(data, position)));
            if (next < 0)
            {
                break;
            }

            position = next;
        }

        return (records, damage);
    }

    private static int FindNextIntact(ReadOnlySpan<byte> data, int from)
    {
        var magic = SampleRecordCodec.Magic;
        while (from < data.Length)
        {
            var hit = data[from..].IndexOf(magic);
            if (hit < 0)
            {
                return -1;
            }

            var candidate = from + hit;
            if (SampleRecordCodec.IsIntact(data, candidate, out _))
            {
                return candidate;
            }

            from = candidate + 1;
        }

        return -1;
    }

    // A torn tail is a record header (or part of one) whose bytes simply stop: nothing intact follows it.
    private static bool LooksTorn(ReadOnlySpan<byte> data, int position)
    {
        var left = data.Length - position;
        if (left < SampleRecordCodec.HeaderBytes)
        {
            var prefix = Math.Min(left, 4);
            return data.Slice(position, prefix).SequenceEqual(SampleRecordCodec.Magic[..prefix]);
        }

        if (!data.Slice(position, 4).SequenceEqual(SampleRecordCodec.Magic))
        {
            return false;
        }

        var length = BinaryPrimitives.ReadUInt32LittleEndian(data[(position + 4)..]);
        return length <= SampleRecordCodec.MaxPayloadBytes && length > left - SampleRecordCodec.HeaderBytes;
    }

    private static string Describe(ReadOnlySpan<byte> data, int position, bool atEnd)
    {
        var left = data.Length - position;
        if (atEnd && LooksTorn(data, position))
        {
            if (left < SampleRecordCodec.HeaderBytes)
            {
                return $"torn tail: {left} bytes of a record header at the end of the file (an append was interrupted, e.g. by a power cut).";
            }

            var length = BinaryPrimitives.ReadUInt32LittleEndian(data[(position + 4)..]);
            return $"torn tail: the last record needs {SampleRecordCodec.HeaderBytes + length} bytes, only {left} are there (an append was interrupted, e.g. by a power cut).";
        }

        if (left >= 4 && !data.Slice(position, 4).SequenceEqual(SampleRecordCodec.Magic))
        {
            return "the bytes here are not a record (no \"ETSR\" magic); the file was damaged or written by something else.";
        }

        return "the record's CRC-32C does not match its content (a flipped bit on the storage medium, or a torn write).";
    }
}
