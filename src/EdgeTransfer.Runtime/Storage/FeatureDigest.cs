using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace EdgeTransfer.Runtime.Storage;

/// <summary>
/// Identifies a frame by its content: the features the backbone made of it. Frame ids start again at every start of
/// the device, so they cannot tell two frames apart across restarts; the features of one frame are the same bits
/// every time they are read back, and two different frames practically never give the same bits.
/// </summary>
internal static class FeatureDigest
{
    /// <summary>A 64-bit key of <paramref name="features"/> (the first bytes of their SHA-256); equal features give equal keys.</summary>
    /// <param name="features">A feature vector.</param>
    public static ulong Of(ReadOnlySpan<float> features)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(MemoryMarshal.AsBytes(features), hash);
        return BinaryPrimitives.ReadUInt64LittleEndian(hash);
    }

    /// <summary>Whether two feature vectors are the same frame (bit for bit, so that -0 and 0 or two NaNs are not confused).</summary>
    /// <param name="a">A feature vector.</param>
    /// <param name="b">Another.</param>
    public static bool Same(ReadOnlySpan<float> a, ReadOnlySpan<float> b) =>
        MemoryMarshal.AsBytes(a).SequenceEqual(MemoryMarshal.AsBytes(b));
}
