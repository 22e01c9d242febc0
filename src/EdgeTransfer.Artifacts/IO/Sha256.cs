using System.Security.Cryptography;

namespace EdgeTransfer.Artifacts.IO;

/// <summary>SHA-256 digests as lower-case hexadecimal text, the form the bundle manifest records.</summary>
public static class Sha256
{
    /// <summary>The number of hexadecimal characters of a digest.</summary>
    public const int HexLength = 64;

    /// <summary>The digest of <paramref name="data"/>.</summary>
    /// <param name="data">The bytes to hash.</param>
    public static string OfBytes(ReadOnlySpan<byte> data) => Convert.ToHexStringLower(SHA256.HashData(data));

    /// <summary>The digest of what remains in <paramref name="stream"/>, read to its end.</summary>
    /// <param name="stream">A readable stream; it is not disposed.</param>
    public static string OfStream(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>The digest of the file at <paramref name="path"/>.</summary>
    /// <param name="path">The file to hash.</param>
    public static string OfFile(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        return OfStream(stream);
    }

    /// <summary>The first characters of a digest followed by an ellipsis, for messages a person reads.</summary>
    /// <param name="hex">A digest in hexadecimal.</param>
    public static string Abbreviate(string hex)
    {
        ArgumentNullException.ThrowIfNull(hex);
        return hex.Length > 8 ? hex[..8] + "…" : hex;
    }

    /// <summary>Whether <paramref name="text"/> is a digest as the manifest writes it (64 lower-case hex digits).</summary>
    /// <param name="text">The text to check.</param>
    public static bool IsDigest(string? text) =>
        text is { Length: HexLength } && text.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f');
}
