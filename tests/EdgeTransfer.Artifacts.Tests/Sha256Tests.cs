using EdgeTransfer.Artifacts.IO;
using EdgeTransfer.Testing;

namespace EdgeTransfer.Artifacts.Tests;

public class Sha256Tests
{
    [Fact]
    public void OfBytesStreamAndFile_AgreeWithTheKnownDigestOfAbc()
    {
        // Given "abc", whose SHA-256 is published in FIPS 180-2, appendix B.1
        const string expected = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
        using var temp = new TempDirectory();
        var path = temp.Combine("abc.txt");
        File.WriteAllBytes(path, "abc"u8.ToArray());
        using var stream = new MemoryStream("abc"u8.ToArray());

        // When it is hashed three ways
        // Then each gives the published lower-case digest
        Assert.Equal(expected, Sha256.OfBytes("abc"u8));
        Assert.Equal(expected, Sha256.OfStream(stream));
        Assert.Equal(expected, Sha256.OfFile(path));
        Assert.True(Sha256.IsDigest(expected));
        Assert.False(Sha256.IsDigest(expected.ToUpperInvariant()));
        Assert.Equal("ba7816bf…", Sha256.Abbreviate(expected));
    }
}
