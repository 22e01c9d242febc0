using System.Buffers.Binary;

namespace EdgeTransfer.Fuzzing.Mutation;

/// <summary>
/// Format-blind mutations of a valid input: bit flips, interesting bytes and integers, inserted, deleted and
/// duplicated ranges, truncation and splicing with another valid input. One call applies one to four of them.
/// </summary>
/// <remarks>
/// The interesting integers are the boundaries that length and dimension fields break on (0, -1, the signed
/// and unsigned maxima and 2^31), written little- and big-endian because PNG is big-endian and BMP little.
/// </remarks>
public static class ByteMutations
{
    private static readonly uint[] InterestingIntegers = [0, 1, 0x7F, 0x80, 0xFF, 0xFFFF, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF, 0x10000, 65_535, 100_000];
    private static readonly byte[] InterestingBytes = [0x00, 0x01, 0x7F, 0x80, 0xFF, (byte)'{', (byte)'"', (byte)'\\', (byte)'0'];

    /// <summary>A mutated copy of <paramref name="input"/>; the input is not changed.</summary>
    /// <param name="input">A valid input.</param>
    /// <param name="random">The input's random source (seeded per iteration).</param>
    /// <param name="spliceWith">Another valid input to splice with, or null.</param>
    public static byte[] Mutate(byte[] input, Random random, byte[]? spliceWith = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(random);
        var data = new List<byte>(input);
        var rounds = 1 + random.Next(4);
        for (var round = 0; round < rounds; round++)
        {
            MutateOnce(data, random, spliceWith);
        }

        return [.. data];
    }

    private static void MutateOnce(List<byte> data, Random random, byte[]? spliceWith)
    {
        if (data.Count == 0)
        {
            data.AddRange(RandomBytes(random, 1 + random.Next(16)));
            return;
        }

        var at = random.Next(data.Count);
        switch (random.Next(9))
        {
            case 0:
                data[at] ^= (byte)(1 << random.Next(8));
                break;
            case 1:
                data[at] = InterestingBytes[random.Next(InterestingBytes.Length)];
                break;
            case 2:
                WriteInteger(data, at, InterestingIntegers[random.Next(InterestingIntegers.Length)], random.Next(2) == 0);
                break;
            case 3:
                data.InsertRange(at, RandomBytes(random, 1 + random.Next(random.Next(2) == 0 ? 8 : 512)));
                break;
            case 4:
                data.RemoveRange(at, Math.Min(data.Count - at, 1 + random.Next(64)));
                break;
            case 5:
                data.RemoveRange(at, data.Count - at);
                break;
            case 6:
                var length = Math.Min(data.Count - at, 1 + random.Next(256));
                data.InsertRange(random.Next(data.Count), data.GetRange(at, length));
                break;
            case 7 when spliceWith is { Length: > 0 }:
                // The head of one valid input followed by the tail of another: structure that almost fits.
                var from = random.Next(spliceWith.Length);
                data.RemoveRange(at, data.Count - at);
                data.AddRange(spliceWith.AsSpan(from).ToArray());
                break;
            default:
                for (var i = at; i < Math.Min(data.Count, at + 1 + random.Next(32)); i++)
                {
                    data[i] = (byte)random.Next(256);
                }

                break;
        }
    }

    private static void WriteInteger(List<byte> data, int at, uint value, bool bigEndian)
    {
        Span<byte> bytes = stackalloc byte[4];
        if (bigEndian)
        {
            BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
        }
        else
        {
            BinaryPrimitives.WriteUInt32LittleEndian(bytes, value);
        }

        for (var i = 0; i < bytes.Length && at + i < data.Count; i++)
        {
            data[at + i] = bytes[i];
        }
    }

    private static byte[] RandomBytes(Random random, int count)
    {
        var bytes = new byte[count];
        random.NextBytes(bytes);
        return bytes;
    }
}
