using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using EdgeTransfer.Artifacts.IO;

namespace EdgeTransfer.Runtime.Storage;

/// <summary>The kinds of record a segment holds.</summary>
internal enum RecordKind : byte
{
    /// <summary>A labelled sample: features, label, time, frame id, optional JPEG.</summary>
    Sample = 1,

    /// <summary>A tombstone: the sample with this id is gone (deleted or evicted).</summary>
    Remove = 2,

    /// <summary>The sample with this id now has another label.</summary>
    Relabel = 3,
}

/// <summary>Why a sample was removed (recorded in its tombstone).</summary>
internal enum RemoveReason : byte
{
    Deleted = 1,
    EvictedPerClass = 2,
    EvictedBytes = 3,
}

/// <summary>One decoded record; for a sample, where its features and JPEG are in the payload.</summary>
internal readonly record struct SampleRecord(
    RecordKind Kind,
    long Id,
    long TimestampMs,
    int ClassIndex,
    string FrameId,
    int FeatureOffset,
    int JpegOffset,
    int JpegLength,
    RemoveReason Reason)
{
    /// <summary>The id of the sample whose part this one is a view of (augmentation), or null for a part of its own.</summary>
    public long? PartOf { get; init; }
}

/// <summary>
/// The record framing of segment files. All integers little-endian.
/// <code>
/// "ETSR" · uint32 payload length L · uint32 CRC-32C of (the 4 length bytes + payload) · payload (L bytes)
/// payload = kind u8 · id i64 · timestamp (Unix ms) i64 · then by kind:
///   sample:  class u16 · frame id length u16 · frame id UTF-8 · D u32 · D float32 · JPEG length u32 · JPEG
///            [· part-of id i64, only for an augmented view of another sample's part]
///   remove:  reason u8
///   relabel: class u16
/// </code>
/// The CRC covers the length so that a flipped length bit is caught instead of misframing what follows;
/// the magic lets a reader find the next record after a damaged one. The part-of trailer came with augmentation at
/// collection time; records without it (every record written before, and every frame's own sample) are read as before.
/// </summary>
internal static class SampleRecordCodec
{
    public const int HeaderBytes = 12;
    public const int CommonPayloadBytes = 17;

    /// <summary>No payload is larger: a length above it is damage, not a record.</summary>
    public const int MaxPayloadBytes = 256 << 20;

    /// <summary>The size of the optional part-of trailer of a sample record.</summary>
    public const int PartOfBytes = 8;

    public static ReadOnlySpan<byte> Magic => "ETSR"u8;

    public static byte[] EncodeSample(long id, long timestampMs, int classIndex, string frameId, ReadOnlySpan<float> features, ReadOnlySpan<byte> jpeg, long? partOf = null)
    {
        var frameBytes = Encoding.UTF8.GetBytes(frameId);
        var payload = CommonPayloadBytes + 2 + 2 + frameBytes.Length + 4 + (features.Length * sizeof(float)) + 4 + jpeg.Length + (partOf is null ? 0 : PartOfBytes);
        var record = new byte[HeaderBytes + payload];
        var p = record.AsSpan(HeaderBytes);
        WriteCommon(p, RecordKind.Sample, id, timestampMs);
        var o = CommonPayloadBytes;
        BinaryPrimitives.WriteUInt16LittleEndian(p[o..], (ushort)classIndex);
        o += 2;
        BinaryPrimitives.WriteUInt16LittleEndian(p[o..], (ushort)frameBytes.Length);
        o += 2;
        frameBytes.CopyTo(p[o..]);
        o += frameBytes.Length;
        BinaryPrimitives.WriteUInt32LittleEndian(p[o..], (uint)features.Length);
        o += 4;
        WriteFloats(p.Slice(o, features.Length * sizeof(float)), features);
        o += features.Length * sizeof(float);
        BinaryPrimitives.WriteUInt32LittleEndian(p[o..], (uint)jpeg.Length);
        o += 4;
        jpeg.CopyTo(p[o..]);
        if (partOf is { } part)
        {
            BinaryPrimitives.WriteInt64LittleEndian(p[(o + jpeg.Length)..], part);
        }

        Frame(record);
        return record;
    }

    public static byte[] EncodeRemove(long id, long timestampMs, RemoveReason reason)
    {
        var record = new byte[HeaderBytes + CommonPayloadBytes + 1];
        var p = record.AsSpan(HeaderBytes);
        WriteCommon(p, RecordKind.Remove, id, timestampMs);
        p[CommonPayloadBytes] = (byte)reason;
        Frame(record);
        return record;
    }

    public static byte[] EncodeRelabel(long id, long timestampMs, int classIndex)
    {
        var record = new byte[HeaderBytes + CommonPayloadBytes + 2];
        var p = record.AsSpan(HeaderBytes);
        WriteCommon(p, RecordKind.Relabel, id, timestampMs);
        BinaryPrimitives.WriteUInt16LittleEndian(p[CommonPayloadBytes..], (ushort)classIndex);
        Frame(record);
        return record;
    }

    /// <summary>Whether a complete record with a matching checksum starts at <paramref name="offset"/>; its total length if so.</summary>
    public static bool IsIntact(ReadOnlySpan<byte> data, int offset, out int recordBytes)
    {
        recordBytes = 0;
        if (data.Length - offset < HeaderBytes || !data.Slice(offset, 4).SequenceEqual(Magic))
        {
            return false;
        }

        var length = BinaryPrimitives.ReadUInt32LittleEndian(data[(offset + 4)..]);
        if (length < CommonPayloadBytes || length > MaxPayloadBytes || length > data.Length - offset - HeaderBytes)
        {
            return false;
        }

        var expected = BinaryPrimitives.ReadUInt32LittleEndian(data[(offset + 8)..]);
        var actual = Crc32C.Append(Crc32C.Compute(data.Slice(offset + 4, 4)), data.Slice(offset + HeaderBytes, (int)length));
        if (expected != actual)
        {
            return false;
        }

        recordBytes = HeaderBytes + (int)length;
        return true;
    }

    /// <summary>Decodes the payload of an intact record; returns the reason when its content is not valid for this store.</summary>
    public static string? TryDecode(ReadOnlySpan<byte> payload, int featureDimension, int classCount, out SampleRecord record)
    {
        record = default;
        var kind = (RecordKind)payload[0];
        var id = BinaryPrimitives.ReadInt64LittleEndian(payload[1..]);
        var time = BinaryPrimitives.ReadInt64LittleEndian(payload[9..]);
        if (id < 0)
        {
            return $"its sample id is negative ({id}).";
        }

        switch (kind)
        {
            case RecordKind.Sample:
            {
                var o = CommonPayloadBytes;
                if (payload.Length < o + 4)
                {
                    return "its sample payload is too short.";
                }

                int classIndex = BinaryPrimitives.ReadUInt16LittleEndian(payload[o..]);
                int frameLength = BinaryPrimitives.ReadUInt16LittleEndian(payload[(o + 2)..]);
                o += 4;
                if (classIndex >= classCount)
                {
                    return $"its class index {classIndex} is outside the store's {classCount} classes.";
                }

                if (payload.Length < o + frameLength + 4)
                {
                    return "its frame id runs past the payload.";
                }

                string frameId;
                try
                {
                    frameId = new UTF8Encoding(false, true).GetString(payload.Slice(o, frameLength));
                }
                catch (DecoderFallbackException)
                {
                    return "its frame id is not UTF-8.";
                }

                o += frameLength;
                var dimension = BinaryPrimitives.ReadUInt32LittleEndian(payload[o..]);
                o += 4;
                if (dimension != featureDimension)
                {
                    return $"it holds {dimension} features, the store holds {featureDimension}.";
                }

                var featureOffset = o;
                o += featureDimension * sizeof(float);
                if (payload.Length < o + 4)
                {
                    return "its features run past the payload.";
                }

                var jpegLength = BinaryPrimitives.ReadUInt32LittleEndian(payload[o..]);
                o += 4;
                var trailer = payload.Length - o - (long)jpegLength;
                if (trailer is not (0 or PartOfBytes))
                {
                    return $"its JPEG length ({jpegLength}) does not match the {payload.Length - o} bytes left in the payload.";
                }

                long? partOf = trailer == 0 ? null : BinaryPrimitives.ReadInt64LittleEndian(payload[(o + (int)jpegLength)..]);
                if (partOf < 0 || partOf >= id)
                {
                    return $"it is a view of sample {partOf}, which is not an earlier sample.";
                }

                record = new SampleRecord(kind, id, time, classIndex, frameId, featureOffset, o, (int)jpegLength, default) { PartOf = partOf };
                return null;
            }

            case RecordKind.Remove:
                if (payload.Length != CommonPayloadBytes + 1)
                {
                    return "its tombstone payload has the wrong length.";
                }

                record = new SampleRecord(kind, id, time, -1, string.Empty, 0, 0, 0, (RemoveReason)payload[CommonPayloadBytes]);
                return null;

            case RecordKind.Relabel:
            {
                if (payload.Length != CommonPayloadBytes + 2)
                {
                    return "its relabel payload has the wrong length.";
                }

                int classIndex = BinaryPrimitives.ReadUInt16LittleEndian(payload[CommonPayloadBytes..]);
                if (classIndex >= classCount)
                {
                    return $"its class index {classIndex} is outside the store's {classCount} classes.";
                }

                record = new SampleRecord(kind, id, time, classIndex, string.Empty, 0, 0, 0, default);
                return null;
            }

            default:
                return $"its kind {(byte)kind} is unknown (written by newer software?).";
        }
    }

    /// <summary>Rewrites the class of an encoded sample record (a relabelled sample being compacted) and its checksum.</summary>
    public static void PatchClass(byte[] record, int classIndex)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(record.AsSpan(HeaderBytes + CommonPayloadBytes), (ushort)classIndex);
        Frame(record);
    }

    public static void ReadFloats(ReadOnlySpan<byte> source, Span<float> destination)
    {
        if (BitConverter.IsLittleEndian)
        {
            MemoryMarshal.Cast<byte, float>(source[..(destination.Length * sizeof(float))]).CopyTo(destination);
            return;
        }

        for (var i = 0; i < destination.Length; i++)
        {
            destination[i] = BinaryPrimitives.ReadSingleLittleEndian(source[(i * sizeof(float))..]);
        }
    }

    private static void WriteFloats(Span<byte> destination, ReadOnlySpan<float> values)
    {
        if (BitConverter.IsLittleEndian)
        {
            MemoryMarshal.AsBytes(values).CopyTo(destination);
            return;
        }

        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(destination[(i * sizeof(float))..], values[i]);
        }
    }

    private static void WriteCommon(Span<byte> payload, RecordKind kind, long id, long timestampMs)
    {
        payload[0] = (byte)kind;
        BinaryPrimitives.WriteInt64LittleEndian(payload[1..], id);
        BinaryPrimitives.WriteInt64LittleEndian(payload[9..], timestampMs);
    }

    private static void Frame(byte[] record)
    {
        Magic.CopyTo(record);
        var length = record.Length - HeaderBytes;
        BinaryPrimitives.WriteUInt32LittleEndian(record.AsSpan(4), (uint)length);
        var crc = Crc32C.Append(Crc32C.Compute(record.AsSpan(4, 4)), record.AsSpan(HeaderBytes));
        BinaryPrimitives.WriteUInt32LittleEndian(record.AsSpan(8), crc);
    }
}
