using System.Buffers.Binary;
using EdgeTransfer.Imaging.Decoding;
using EdgeTransfer.Testing;

namespace EdgeTransfer.Imaging.Tests;

public sealed class HardenedImageDecoderTests
{
    private readonly HardenedImageDecoder _decoder = new();

    [Theory]
    [InlineData("png")]
    [InlineData("jpeg")]
    [InlineData("bmp")]
    public void DecodeFile_ReadsAllowedFormats_ByContentNotExtension(string format)
    {
        // Given an allowed image saved under a misleading extension
        using var dir = new TempDirectory();
        var bytes = format switch { "png" => TestImages.Png(), "jpeg" => TestImages.Jpeg(), _ => TestImages.Bmp() };
        var path = dir.Combine("frame.gif");
        File.WriteAllBytes(path, bytes);

        // When it is decoded
        using var image = _decoder.DecodeFile(path);

        // Then the content decides
        Assert.Equal((64, 48), (image.Width, image.Height));
    }

    [Fact]
    public void Decode_KeepsPngPixelsExactly()
    {
        // Given a PNG of a known pattern
        using var expected = TestImages.Pattern(40, 30);

        // When it is decoded
        using var actual = _decoder.Decode(TestImages.Encode(expected, new SixLabors.ImageSharp.Formats.Png.PngEncoder()), "pattern");

        // Then every pixel is the same
        for (var y = 0; y < 30; y++)
        {
            for (var x = 0; x < 40; x++)
            {
                Assert.Equal(expected[x, y], actual[x, y]);
            }
        }
    }

    [Fact]
    public void Decode_RejectsTruncatedPng_SayingTruncated()
    {
        // Given a PNG cut at 60 %
        var png = TestImages.Png(128, 96);
        var truncated = png.AsSpan(0, png.Length * 6 / 10).ToArray();

        // When it is decoded
        var ex = Assert.Throws<ImageDecodeException>(() => _decoder.Decode(truncated, "cam0/frame17.png"));

        // Then the error names the frame and says why
        Assert.Equal("cam0/frame17.png", ex.SourceName);
        Assert.Contains("truncated", ex.Reason, StringComparison.Ordinal);
        Assert.Contains("cam0/frame17.png", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_RejectsTruncatedJpeg_SayingTruncated()
    {
        // Given a JPEG cut in the middle of its scan data
        var jpeg = TestImages.Jpeg(128, 96);
        var truncated = jpeg.AsSpan(0, jpeg.Length * 7 / 10).ToArray();

        // When it is decoded
        var ex = Assert.Throws<ImageDecodeException>(() => _decoder.Decode(truncated, "f.jpg"));

        // Then
        Assert.Contains("truncated", ex.Reason, StringComparison.Ordinal);
        Assert.Contains("end-of-image", ex.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_RejectsJpegWithBrokenMarkerStructure_SayingCorrupt()
    {
        // Given a JPEG whose second marker lost its 0xFF prefix
        var jpeg = TestImages.Jpeg();
        var second = 2 + 2 + BinaryPrimitives.ReadUInt16BigEndian(jpeg.AsSpan(4));
        jpeg[second] = 0x00;

        // When it is decoded
        var ex = Assert.Throws<ImageDecodeException>(() => _decoder.Decode(jpeg, "f.jpg"));

        // Then
        Assert.Contains("JPEG is corrupt", ex.Reason, StringComparison.Ordinal);
        Assert.Contains($"byte {second}", ex.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_RejectsJpegWithCorruptFrameHeader_WrappingTheDecoderError()
    {
        // Given a JPEG whose frame header (SOF0) declares 0 colour components
        var jpeg = TestImages.Jpeg();
        var sof = IndexOfMarker(jpeg, 0xC0);
        jpeg[sof + 9] = 0;

        // When it is decoded
        var ex = Assert.Throws<ImageDecodeException>(() => _decoder.Decode(jpeg, "f.jpg"));

        // Then the decoder's own error is kept as the cause
        Assert.Contains("JPEG data is corrupt", ex.Reason, StringComparison.Ordinal);
        Assert.NotNull(ex.InnerException);
    }

    [Theory]
    [InlineData("gif", "GIF")]
    [InlineData("tiff", "TIFF")]
    [InlineData("webp", "WebP")]
    [InlineData("text", "text")]
    public void Decode_RejectsUnsupportedFormats_NamingTheFormat(string kind, string named)
    {
        // Given a file of a format that is not allowed (even though ImageSharp could decode most of them)
        var bytes = kind switch
        {
            "gif" => TestImages.Gif(),
            "tiff" => TestImages.Tiff(),
            "webp" => TestImages.Webp(),
            _ => "label,count\ngood,12\n"u8.ToArray(),
        };

        // When it is decoded as a .png
        var ex = Assert.Throws<ImageDecodeException>(() => _decoder.Decode(bytes, "part.png"));

        // Then the reason names what it is and what is allowed
        Assert.Contains(named, ex.Reason, StringComparison.Ordinal);
        Assert.Contains("PNG, JPEG", ex.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_RejectsPngHeaderClaiming60000Squared_BeforeDecoding()
    {
        // Given a 60-byte PNG whose header claims 60000 × 60000 RGB pixels (10.8 GB decoded)
        var png = TestImages.HandmadePng(60000, 60000, bitDepth: 8, colourType: 2, idat: [0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]);

        // When it is decoded
        var ex = Assert.Throws<ImageDecodeException>(() => _decoder.Decode(png, "bomb.png"));

        // Then the header check stops it, naming the size and the limit
        Assert.Contains("60000 × 60000", ex.Reason, StringComparison.Ordinal);
        Assert.Contains("decompression bomb", ex.Reason, StringComparison.Ordinal);
        Assert.Contains(ImageDecoderOptions.DefaultMaxPixels.ToString(), ex.Reason, StringComparison.Ordinal);
        Assert.Null(ex.InnerException);
    }

    [Fact]
    public void Decode_RejectsRealTinyPngWithHugeDimensions()
    {
        // Given a real, valid 20000 × 20000 PNG that is a few tens of kilobytes
        var png = TestImages.RealBombPng(20000);
        Assert.True(png.Length < 200_000, $"bomb is {png.Length} bytes");
        var before = GC.GetTotalAllocatedBytes(precise: false);

        // When it is decoded
        var ex = Assert.Throws<ImageDecodeException>(() => _decoder.Decode(png, "tiny-huge.png"));

        // Then it is refused without allocating the 400-megapixel frame
        Assert.Contains("20000 × 20000", ex.Reason, StringComparison.Ordinal);
        Assert.True(GC.GetTotalAllocatedBytes(precise: false) - before < 50_000_000);
    }

    [Fact]
    public void DecodeFile_RejectsFileOverByteLimit_BeforeReadingIt()
    {
        // Given a decoder limited to 1 KiB and a larger, valid PNG
        var decoder = new HardenedImageDecoder(new ImageDecoderOptions { MaxBytes = 1024 });
        using var dir = new TempDirectory();
        var path = dir.Combine("big.png");
        var png = TestImages.Png(128, 128);
        File.WriteAllBytes(path, png);

        // When it is decoded from the file and from a stream
        var fromFile = Assert.Throws<ImageDecodeException>(() => decoder.DecodeFile(path));
        using var stream = new MemoryStream(png);
        var fromStream = Assert.Throws<ImageDecodeException>(() => decoder.Decode(stream, "mqtt payload"));

        // Then both name the limit
        Assert.Contains($"{png.Length} bytes, more than the limit of 1024 bytes", fromFile.Reason, StringComparison.Ordinal);
        Assert.Contains("limit of 1024 bytes", fromStream.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void DecodeFile_RejectsMissingAndEmptyFiles()
    {
        // Given a missing and an empty file
        using var dir = new TempDirectory();
        var empty = dir.Combine("empty.png");
        File.WriteAllBytes(empty, []);

        // When they are decoded / Then each says why
        Assert.Contains("does not exist", Assert.Throws<ImageDecodeException>(() => _decoder.DecodeFile(dir.Combine("nope.png"))).Reason, StringComparison.Ordinal);
        Assert.Contains("empty", Assert.Throws<ImageDecodeException>(() => _decoder.DecodeFile(empty)).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_StaysUsable_AfterABadFrame()
    {
        // Given a decoder that just rejected a frame
        Assert.Throws<ImageDecodeException>(() => _decoder.Decode("GIF89a"u8, "bad"));

        // When the next, good frame comes
        using var stream = new MemoryStream(TestImages.Jpeg());
        using var image = _decoder.Decode(stream, "good");

        // Then it decodes
        Assert.Equal(64, image.Width);
    }

    [Fact]
    public void Constructor_RejectsNonPositiveLimits_NamingTheSetting()
    {
        var ex = Assert.Throws<InvalidSettingException>(() => new HardenedImageDecoder(new ImageDecoderOptions { MaxPixels = 0 }));
        Assert.Equal("image.maxPixels", ex.Setting);
    }

    private static int IndexOfMarker(byte[] jpeg, byte marker)
    {
        for (var i = 2; i < jpeg.Length - 1; i++)
        {
            if (jpeg[i] == 0xFF && jpeg[i + 1] == marker)
            {
                return i;
            }
        }

        throw new InvalidOperationException($"marker {marker:X2} not found");
    }
}
