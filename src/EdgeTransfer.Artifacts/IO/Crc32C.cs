using System.Buffers.Binary;
using System.Numerics;

namespace EdgeTransfer.Artifacts.IO;

/// <summary>
/// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum of the sample store's records and the MQTT
/// outbox's records: the one of iSCSI, ext4 metadata and LevelDB/RocksDB logs.
/// </summary>
/// <remarks>
/// Built on the BCL's <see cref="BitOperations.Crc32C(uint, ulong)"/> (System.IO.Hashing has CRC-32 and CRC-64 but no
/// CRC-32C, up to its 11.0 release), which uses the CPU's CRC instruction (SSE4.2 on x64,
/// the CRC32 extension on ARM64) and a software fallback elsewhere. Check value: CRC-32C("123456789") =
/// 0xE3069283 (RFC 3720, appendix B.4).
/// </remarks>
public static class Crc32C
{
    /// <summary>The checksum of <paramref name="data"/>.</summary>
    /// <param name="data">The bytes.</param>
    /// <returns>The finished checksum.</returns>
    public static uint Compute(ReadOnlySpan<byte> data) => Append(0, data);

    /// <summary>Continues <paramref name="crc"/> (a finished checksum of earlier bytes) over <paramref name="data"/>.</summary>
    /// <param name="crc">The finished checksum of the bytes before <paramref name="data"/>; 0 for none.</param>
    /// <param name="data">The next bytes.</param>
    /// <returns>The finished checksum of all the bytes.</returns>
    public static uint Append(uint crc, ReadOnlySpan<byte> data)
    {
        // The BCL's primitive is the raw register update; the standard checksum inverts before and after.
        var state = ~crc;
        while (data.Length >= sizeof(ulong))
        {
            state = BitOperations.Crc32C(state, BinaryPrimitives.ReadUInt64LittleEndian(data));
            data = data[sizeof(ulong)..];
        }

        foreach (var b in data)
        {
            state = BitOperations.Crc32C(state, b);
        }

        return ~state;
    }
}
