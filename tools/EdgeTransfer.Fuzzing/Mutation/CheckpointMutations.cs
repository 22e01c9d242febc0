using System.Buffers.Binary;
using System.Security.Cryptography;

namespace EdgeTransfer.Fuzzing.Mutation;

/// <summary>
/// Mutations of the checkpoint container (<c>ETCK</c>, version, header length, JSON header, float32 data,
/// SHA-256 trailer) used by head checkpoints and anomaly models. Most are sealed again (length and digest made
/// to fit), so they reach the header and tensor parsing behind the digest check instead of stopping at it.
/// </summary>
public static class CheckpointMutations
{
    private const int PrefixBytes = 12;
    private const int DigestBytes = 32;

    /// <summary>A mutated copy of the valid container <paramref name="input"/>.</summary>
    /// <param name="input">A valid checkpoint or anomaly model file.</param>
    /// <param name="random">The input's random source (seeded per iteration).</param>
    public static byte[] Mutate(byte[] input, Random random)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(random);
        if (input.Length < PrefixBytes + DigestBytes)
        {
            return ByteMutations.Mutate(input, random);
        }

        var headerLength = (int)Math.Min(BinaryPrimitives.ReadUInt32LittleEndian(input.AsSpan(8)), (uint)(input.Length - PrefixBytes - DigestBytes));
        var header = input.AsSpan(PrefixBytes, headerLength).ToArray();
        var data = input.AsSpan(PrefixBytes + headerLength, input.Length - PrefixBytes - headerLength - DigestBytes).ToArray();
        return random.Next(10) switch
        {
            < 3 => ByteMutations.Mutate(input, random),
            < 8 => Seal(JsonMutations.Mutate(header, random), data, random),
            _ => Seal(header, ByteMutations.Mutate(data, random), random),
        };
    }

    /// <summary>A container around <paramref name="header"/> and <paramref name="data"/> with a fitting digest.</summary>
    /// <param name="header">The JSON header bytes.</param>
    /// <param name="data">The tensor data.</param>
    /// <param name="version">The format version written.</param>
    /// <param name="headerLengthError">Added to the header length written (0: the true length).</param>
    public static byte[] Seal(byte[] header, byte[] data, uint version = 1, int headerLengthError = 0)
    {
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(data);
        var body = new byte[PrefixBytes + header.Length + data.Length];
        "ETCK"u8.CopyTo(body);
        BinaryPrimitives.WriteUInt32LittleEndian(body.AsSpan(4), version);
        BinaryPrimitives.WriteUInt32LittleEndian(body.AsSpan(8), (uint)(header.Length + headerLengthError));
        header.CopyTo(body, PrefixBytes);
        data.CopyTo(body, PrefixBytes + header.Length);
        return [.. body, .. SHA256.HashData(body)];
    }

    // Now and then another version or a header length that does not fit, so those checks run behind a fitting digest too.
    private static byte[] Seal(byte[] header, byte[] data, Random random) =>
        Seal(header, data, random.Next(20) == 0 ? 2u : 1u, random.Next(20) == 0 ? random.Next(-8, 9) : 0);
}
