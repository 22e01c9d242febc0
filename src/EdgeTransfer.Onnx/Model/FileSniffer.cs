namespace EdgeTransfer.Onnx.Model;

/// <summary>
/// Recognises common files that people pass by mistake instead of a model, so that the error says
/// "it is a PNG image" rather than a protobuf parser message. Only used after parsing failed.
/// </summary>
internal static class FileSniffer
{
    private static readonly (byte[] Magic, string Kind)[] Signatures =
    [
        ([0x89, (byte)'P', (byte)'N', (byte)'G'], "a PNG image"),
        ([0xFF, 0xD8, 0xFF], "a JPEG image"),
        ([(byte)'G', (byte)'I', (byte)'F', (byte)'8'], "a GIF image"),
        ([(byte)'P', (byte)'K', 0x03, 0x04], "a ZIP archive (a .nupkg or a zipped bundle? extract the .onnx file first)"),
        ([0x1F, 0x8B], "a gzip archive (extract the .onnx file first)"),
        ([(byte)'%', (byte)'P', (byte)'D', (byte)'F'], "a PDF document"),
        ([0x7F, (byte)'E', (byte)'L', (byte)'F'], "an ELF executable"),
    ];

    /// <summary>What the bytes look like, as a noun phrase ("a PNG image"), or null when unknown.</summary>
    public static string? Describe(ReadOnlySpan<byte> bytes)
    {
        foreach (var (magic, kind) in Signatures)
        {
            if (bytes.StartsWith(magic))
            {
                return kind;
            }
        }

        return LooksLikeText(bytes[..Math.Min(bytes.Length, 4096)]) ? "a text file" : null;
    }

    // A serialized ModelProto starts with field tags (0x08 for ir_version) and holds binary lengths and
    // floats, so a prefix with no control characters other than whitespace is text, not a model.
    private static bool LooksLikeText(ReadOnlySpan<byte> prefix)
    {
        if (prefix.IsEmpty)
        {
            return false;
        }

        foreach (var b in prefix)
        {
            if (b < 0x20 && b is not ((byte)'\t' or (byte)'\n' or (byte)'\r'))
            {
                return false;
            }
        }

        return true;
    }
}
