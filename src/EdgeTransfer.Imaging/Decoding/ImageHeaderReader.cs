using System.Buffers.Binary;

namespace EdgeTransfer.Imaging.Decoding;

/// <summary>
/// Recognises the format from the first bytes and reads the declared size from the header, without
/// decoding pixels; optionally checks that the file's structure is complete. Every failure is a
/// reason sentence (null on success) so that the caller builds one <see cref="ImageDecodeException"/>.
/// </summary>
internal static class ImageHeaderReader
{
    private static ReadOnlySpan<byte> PngSignature => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    public static string? TryRead(ReadOnlySpan<byte> data, bool requireComplete, out ImageHeaderInfo header)
    {
        header = default;
        if (data.IsEmpty)
        {
            return "the file is empty (0 bytes).";
        }

        if (data.StartsWith(PngSignature))
        {
            return ReadPng(data, requireComplete, out header);
        }

        if (data.Length >= 3 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF)
        {
            return ReadJpeg(data, requireComplete, out header);
        }

        if (data.Length >= 2 && data[0] == (byte)'B' && data[1] == (byte)'M')
        {
            return ReadBmp(data, requireComplete, out header);
        }

        var other = Sniff(data);
        return other is null
            ? "the content is not a PNG, JPEG or BMP image (the file extension is not trusted); allowed formats are PNG, JPEG and BMP."
            : $"the content is {other}, which is not an allowed image format (allowed: PNG, JPEG, BMP); convert it to PNG.";
    }

    // PNG: signature, then IHDR first (PNG spec 11.2.2), then chunks up to IEND.
    private static string? ReadPng(ReadOnlySpan<byte> data, bool requireComplete, out ImageHeaderInfo header)
    {
        header = default;
        if (data.Length < 8 + 8 + 13 + 4)
        {
            return $"the PNG is truncated: {data.Length} bytes is too short for the IHDR header (33 bytes).";
        }

        if (BinaryPrimitives.ReadUInt32BigEndian(data[8..]) != 13 || !data.Slice(12, 4).SequenceEqual("IHDR"u8))
        {
            return "the PNG is corrupt: its first chunk is not a 13-byte IHDR.";
        }

        var width = BinaryPrimitives.ReadUInt32BigEndian(data[16..]);
        var height = BinaryPrimitives.ReadUInt32BigEndian(data[20..]);
        if (width == 0 || height == 0 || width > int.MaxValue || height > int.MaxValue)
        {
            return $"the PNG header declares an impossible size of {width} × {height} pixels.";
        }

        header = new ImageHeaderInfo(ImageFileFormat.Png, (int)width, (int)height);
        if (!requireComplete)
        {
            return null;
        }

        var offset = 8L;
        var sawData = false;
        while (offset + 12 <= data.Length)
        {
            var length = BinaryPrimitives.ReadUInt32BigEndian(data[(int)offset..]);
            var type = System.Text.Encoding.ASCII.GetString(data.Slice((int)offset + 4, 4));
            var end = offset + 12 + length;
            if (length > int.MaxValue || end > data.Length)
            {
                return $"the PNG is truncated: it ends inside chunk '{type}' ({end - data.Length} bytes missing); re-copy or re-capture the file.";
            }

            sawData |= type == "IDAT";
            if (type == "IEND")
            {
                return sawData ? null : "the PNG is corrupt: it has no IDAT (pixel data) chunk.";
            }

            offset = end;
        }

        return "the PNG is truncated: it ends before its IEND chunk; re-copy or re-capture the file.";
    }

    // JPEG (ITU T.81 B.1.1): a marker sequence; the frame header SOFn carries the size; the scan's entropy-coded
    // data cannot contain FF D9 other than the EOI marker (an FF there is followed by 00 or a restart marker).
    private static string? ReadJpeg(ReadOnlySpan<byte> data, bool requireComplete, out ImageHeaderInfo header)
    {
        header = default;
        var i = 2;
        var width = -1;
        var height = -1;
        while (true)
        {
            if (i + 4 > data.Length)
            {
                return width < 0
                    ? "the JPEG is truncated: it ends before its frame header (SOF)."
                    : "the JPEG is truncated: it ends before its scan data (SOS).";
            }

            if (data[i] != 0xFF)
            {
                return $"the JPEG is corrupt: a marker was expected at byte {i} but 0x{data[i]:X2} was found.";
            }

            var marker = data[i + 1];
            if (marker == 0xFF)
            {
                i++; // fill byte (T.81 B.1.1.2)
                continue;
            }

            if (marker is 0x01 or (>= 0xD0 and <= 0xD8))
            {
                i += 2; // markers without a length
                continue;
            }

            if (marker == 0xD9)
            {
                return "the JPEG is corrupt: it ends (EOI) before any image data.";
            }

            var length = BinaryPrimitives.ReadUInt16BigEndian(data[(i + 2)..]);
            if (length < 2)
            {
                return $"the JPEG is corrupt: marker 0x{marker:X2} at byte {i} has an invalid length {length}.";
            }

            var isFrame = marker is >= 0xC0 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC;
            if (isFrame)
            {
                if (i + 9 > data.Length)
                {
                    return "the JPEG is truncated: it ends inside its frame header (SOF).";
                }

                height = BinaryPrimitives.ReadUInt16BigEndian(data[(i + 5)..]);
                width = BinaryPrimitives.ReadUInt16BigEndian(data[(i + 7)..]);
                if (width == 0 || height == 0)
                {
                    return $"the JPEG frame header declares {width} × {height} pixels; a zero size (or a DNL-defined height) is not supported.";
                }

                header = new ImageHeaderInfo(ImageFileFormat.Jpeg, width, height);
                if (!requireComplete)
                {
                    return null;
                }
            }

            if (marker == 0xDA)
            {
                if (width < 0)
                {
                    return "the JPEG is corrupt: its scan (SOS) comes before any frame header (SOF).";
                }

                var scanStart = i + 2 + length;
                if (scanStart >= data.Length)
                {
                    return "the JPEG is truncated: it ends inside its first scan header.";
                }

                var rest = data[scanStart..];
                for (var k = rest.Length - 2; k >= 0; k--)
                {
                    if (rest[k] == 0xFF && rest[k + 1] == 0xD9)
                    {
                        return null;
                    }
                }

                return "the JPEG is truncated: there is no end-of-image marker after its scan data; re-copy or re-capture the file.";
            }

            i += 2 + length;
        }
    }

    // BMP: BITMAPFILEHEADER (14 bytes) + a DIB header whose first field is its size.
    private static string? ReadBmp(ReadOnlySpan<byte> data, bool requireComplete, out ImageHeaderInfo header)
    {
        header = default;
        if (data.Length < 26)
        {
            return $"the BMP is truncated: {data.Length} bytes is too short for its headers.";
        }

        var dataOffset = BinaryPrimitives.ReadUInt32LittleEndian(data[10..]);
        var dibSize = BinaryPrimitives.ReadUInt32LittleEndian(data[14..]);
        long width;
        long height;
        int bitsPerPixel;
        uint compression = 0;
        if (dibSize == 12)
        {
            width = BinaryPrimitives.ReadUInt16LittleEndian(data[18..]);
            height = BinaryPrimitives.ReadUInt16LittleEndian(data[20..]);
            bitsPerPixel = BinaryPrimitives.ReadUInt16LittleEndian(data[24..]);
        }
        else if (dibSize >= 40 && data.Length >= 14 + 20)
        {
            width = BinaryPrimitives.ReadInt32LittleEndian(data[18..]);
            height = Math.Abs((long)BinaryPrimitives.ReadInt32LittleEndian(data[22..])); // negative = top-down rows
            bitsPerPixel = BinaryPrimitives.ReadUInt16LittleEndian(data[28..]);
            compression = BinaryPrimitives.ReadUInt32LittleEndian(data[30..]);
        }
        else
        {
            return $"the BMP is corrupt or truncated: its DIB header size {dibSize} is not supported.";
        }

        if (width <= 0 || height <= 0 || width > int.MaxValue || height > int.MaxValue)
        {
            return $"the BMP header declares an impossible size of {width} × {height} pixels.";
        }

        header = new ImageHeaderInfo(ImageFileFormat.Bmp, (int)width, (int)height);
        if (requireComplete && compression is 0 or 3 && bitsPerPixel is > 0 and <= 32)
        {
            // BI_RGB / BI_BITFIELDS: rows are padded to 4 bytes.
            var stride = ((bitsPerPixel * width) + 31) / 32 * 4;
            var needed = dataOffset + (stride * height);
            if (needed > data.Length)
            {
                return $"the BMP is truncated: its pixel rows need {needed} bytes but the file has {data.Length}; re-copy the file.";
            }
        }

        return null;
    }

    // Only to name the format in the message; none of these is ever decoded.
    private static string? Sniff(ReadOnlySpan<byte> d)
    {
        if (d.StartsWith("GIF87a"u8) || d.StartsWith("GIF89a"u8))
        {
            return "GIF";
        }

        if (d.StartsWith("II*\0"u8) || d.StartsWith("MM\0*"u8) || d.StartsWith("II+\0"u8) || d.StartsWith("MM\0+"u8))
        {
            return "TIFF";
        }

        if (d.Length >= 12 && d.StartsWith("RIFF"u8) && d.Slice(8, 4).SequenceEqual("WEBP"u8))
        {
            return "WebP";
        }

        if (d.Length >= 12 && d.Slice(4, 4).SequenceEqual("ftyp"u8))
        {
            return "HEIF/AVIF (ISO media)";
        }

        if (d.StartsWith("qoif"u8))
        {
            return "QOI";
        }

        if (d.StartsWith((ReadOnlySpan<byte>)[0x00, 0x00, 0x01, 0x00]))
        {
            return "ICO";
        }

        if (d.StartsWith("8BPS"u8))
        {
            return "Photoshop PSD";
        }

        if (d.StartsWith((ReadOnlySpan<byte>)[0xFF, 0x0A]) || d.StartsWith((ReadOnlySpan<byte>)[0x00, 0x00, 0x00, 0x0C, 0x4A, 0x58, 0x4C, 0x20]))
        {
            return "JPEG XL";
        }

        if (d.StartsWith((ReadOnlySpan<byte>)[0x00, 0x00, 0x00, 0x0C, 0x6A, 0x50, 0x20, 0x20]) || d.StartsWith((ReadOnlySpan<byte>)[0xFF, 0x4F, 0xFF, 0x51]))
        {
            return "JPEG 2000";
        }

        if (d.Length >= 2 && d[0] == (byte)'P' && d[1] is >= (byte)'1' and <= (byte)'7')
        {
            return "Netpbm (PBM/PGM/PPM)";
        }

        if (d.StartsWith("%PDF"u8))
        {
            return "PDF";
        }

        if (d.StartsWith("PK\x03\x04"u8) || d.StartsWith((ReadOnlySpan<byte>)[0x1F, 0x8B]))
        {
            return "an archive (ZIP/gzip)";
        }

        return LooksLikeText(d) ? "text, not an image" : null;
    }

    private static bool LooksLikeText(ReadOnlySpan<byte> d)
    {
        var sample = d[..Math.Min(d.Length, 512)];
        foreach (var b in sample)
        {
            if (b < 0x09 || (b > 0x0D && b < 0x20 && b != 0x1B))
            {
                return false;
            }
        }

        return true;
    }
}
