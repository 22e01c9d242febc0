using System.Buffers.Binary;
using System.IO.Compression;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.Formats.Bmp;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Formats.Tiff;
using SixLabors.ImageSharp.Formats.Webp;
using SixLabors.ImageSharp.PixelFormats;

namespace EdgeTransfer.Imaging.Tests;

/// <summary>Test images: seeded noise and gradients, encoded in any format, and hand-made PNGs.</summary>
internal static class TestImages
{
    /// <summary>A seeded image with a gradient, blocks and noise (so that every resize tap matters).</summary>
    public static Image<Rgb24> Pattern(int width, int height, int seed = 1)
    {
        var random = new Random(seed);
        var image = new Image<Rgb24>(width, height);
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var block = ((x / 7) + (y / 5)) % 2 == 0 ? 40 : 0;
                image[x, y] = new Rgb24(
                    (byte)Math.Clamp((x * 255 / width) + random.Next(-20, 20), 0, 255),
                    (byte)Math.Clamp((y * 255 / height) + block + random.Next(-20, 20), 0, 255),
                    (byte)random.Next(256));
            }
        }

        return image;
    }

    public static byte[] Encode(Image image, IImageEncoder encoder)
    {
        using var stream = new MemoryStream();
        image.Save(stream, encoder);
        return stream.ToArray();
    }

    public static byte[] Png(int width = 64, int height = 48, int seed = 1)
    {
        using var image = Pattern(width, height, seed);
        return Encode(image, new PngEncoder());
    }

    public static byte[] Jpeg(int width = 64, int height = 48, int seed = 1)
    {
        using var image = Pattern(width, height, seed);
        return Encode(image, new JpegEncoder { Quality = 90 });
    }

    public static byte[] Bmp(int width = 64, int height = 48, int seed = 1)
    {
        using var image = Pattern(width, height, seed);
        return Encode(image, new BmpEncoder { BitsPerPixel = BmpBitsPerPixel.Pixel24 });
    }

    public static byte[] Gif() { using var i = Pattern(32, 32); return Encode(i, new GifEncoder()); }

    public static byte[] Tiff() { using var i = Pattern(32, 32); return Encode(i, new TiffEncoder()); }

    public static byte[] Webp() { using var i = Pattern(32, 32); return Encode(i, new WebpEncoder()); }

    /// <summary>A structurally complete PNG with the given IHDR and IDAT payload.</summary>
    public static byte[] HandmadePng(uint width, uint height, byte bitDepth, byte colourType, byte[] idat)
    {
        using var stream = new MemoryStream();
        stream.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteUInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteUInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = bitDepth;
        ihdr[9] = colourType;
        WriteChunk(stream, "IHDR", ihdr);
        WriteChunk(stream, "IDAT", idat);
        WriteChunk(stream, "IEND", []);
        return stream.ToArray();
    }

    /// <summary>
    /// A real decompression bomb: a valid 1-bit grey PNG of <paramref name="side"/>² pixels, all black,
    /// whose zlib stream of zero rows compresses about 1000:1.
    /// </summary>
    public static byte[] RealBombPng(int side)
    {
        var rowBytes = 1 + ((side + 7) / 8);
        var row = new byte[rowBytes]; // filter 0 + zero pixels
        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            for (var y = 0; y < side; y++)
            {
                zlib.Write(row);
            }
        }

        return HandmadePng((uint)side, (uint)side, bitDepth: 1, colourType: 0, compressed.ToArray());
    }

    private static void WriteChunk(Stream stream, string type, byte[] data)
    {
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(length, (uint)data.Length);
        stream.Write(length);
        var typeBytes = System.Text.Encoding.ASCII.GetBytes(type);
        stream.Write(typeBytes);
        stream.Write(data);
        var crc = Crc32([.. typeBytes, .. data]);
        BinaryPrimitives.WriteUInt32BigEndian(length, crc);
        stream.Write(length);
    }

    // PNG CRC-32 (ISO 3309, polynomial 0xEDB88320), bitwise: only for a few hand-made chunks.
    private static uint Crc32(byte[] data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
        }

        return ~crc;
    }
}
