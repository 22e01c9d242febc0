using EdgeTransfer.Artifacts.IO;

namespace EdgeTransfer.Artifacts.Tests;

/// <summary>
/// CRC-32C guards the sample store's and the outbox's records on disk, so its values must never change: checked
/// against the RFC 3720 vectors and against a bit-at-a-time reference of the polynomial.
/// </summary>
public class Crc32CTests
{
    [Fact]
    public void Compute_MatchesTheCheckValueOfRfc3720()
    {
        // Given the standard check input
        var data = "123456789"u8;

        // When its CRC-32C is computed, at once and in two parts
        var whole = Crc32C.Compute(data);
        var parts = Crc32C.Append(Crc32C.Compute(data[..4]), data[4..]);

        // Then both are the published check value
        Assert.Equal(0xE3069283u, whole);
        Assert.Equal(whole, parts);
    }

    [Fact]
    public void Compute_OfThirtyTwoZeroBytes_MatchesRfc3720TestVector()
    {
        // RFC 3720 B.4: 32 bytes of zeroes → 0x8A9136AA
        Assert.Equal(0x8A9136AAu, Crc32C.Compute(new byte[32]));
    }

    [Fact]
    public void Compute_AgreesWithABitwiseReference_ForEveryLengthAndSplit()
    {
        // Given seeded bytes of every length up to 70 (the 8-byte fast path, its tail, and both together)
        var random = new Random(20261203);
        for (var length = 0; length <= 70; length++)
        {
            var data = new byte[length];
            random.NextBytes(data);

            // When the checksum is computed at once and continued from any split point
            var whole = Crc32C.Compute(data);

            // Then it is the reference value, however the bytes were split
            Assert.Equal(Reference(data), whole);
            for (var split = 0; split <= length; split++)
            {
                Assert.Equal(whole, Crc32C.Append(Crc32C.Compute(data.AsSpan(0, split)), data.AsSpan(split)));
            }
        }
    }

    // The definition, one bit at a time: reflected polynomial 0x82F63B78, initial value and final XOR 0xFFFFFFFF.
    private static uint Reference(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var bit = 0; bit < 8; bit++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F63B78u : crc >> 1;
            }
        }

        return ~crc;
    }
}
