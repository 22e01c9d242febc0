using EdgeTransfer.Artifacts.IO;

namespace EdgeTransfer.Runtime.Tests.Storage;

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
}
