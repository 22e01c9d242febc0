using System.Buffers.Binary;

namespace EdgeTransfer.Artifacts.Bundles;

/// <summary>Reads little-endian fields from a byte span without running past its end (for <see cref="PackedWeightsFile"/>).</summary>
internal ref struct SpanCursor(ReadOnlySpan<byte> content, int position)
{
    private readonly ReadOnlySpan<byte> _content = content;
    private int _position = position;

    public readonly int Remaining => _content.Length - _position;

    public bool TryTake(int bytes, out ReadOnlySpan<byte> span)
    {
        if (bytes < 0 || Remaining < bytes)
        {
            span = default;
            return false;
        }

        span = _content.Slice(_position, bytes);
        _position += bytes;
        return true;
    }

    public bool TryUInt16(out ushort value)
    {
        value = TryTake(2, out var span) ? BinaryPrimitives.ReadUInt16LittleEndian(span) : (ushort)0;
        return span.Length == 2;
    }

    public bool TryUInt32(out uint value)
    {
        value = TryTake(4, out var span) ? BinaryPrimitives.ReadUInt32LittleEndian(span) : 0;
        return span.Length == 4;
    }

    public bool TryInt64(out long value)
    {
        value = TryTake(8, out var span) ? BinaryPrimitives.ReadInt64LittleEndian(span) : 0;
        return span.Length == 8;
    }
}
