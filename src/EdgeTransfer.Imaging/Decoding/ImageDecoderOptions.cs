namespace EdgeTransfer.Imaging.Decoding;

/// <summary>Limits of the <see cref="HardenedImageDecoder"/>; checked before any pixel data is decoded.</summary>
public sealed class ImageDecoderOptions
{
    /// <summary>The default byte limit: 32 MiB, far above a 20-megapixel camera JPEG.</summary>
    public const long DefaultMaxBytes = 32L * 1024 * 1024;

    /// <summary>The default pixel limit: 25 megapixels (75 MB as RGB24).</summary>
    public const long DefaultMaxPixels = 25_000_000;

    /// <summary>The largest accepted encoded size in bytes.</summary>
    public long MaxBytes { get; init; } = DefaultMaxBytes;

    /// <summary>The largest accepted width × height, as declared by the header (decompression-bomb guard).</summary>
    public long MaxPixels { get; init; } = DefaultMaxPixels;

    /// <summary>
    /// Whether a file must be complete to be accepted: a PNG must reach its IEND chunk, a JPEG must have
    /// an end-of-image marker after its scan data, an uncompressed BMP must hold all its rows. ImageSharp
    /// would otherwise return a partly grey frame for some truncated files. Default true.
    /// </summary>
    public bool RequireCompleteFile { get; init; } = true;

    /// <summary>Checks the options.</summary>
    /// <exception cref="InvalidSettingException">A limit is not positive.</exception>
    public void Validate()
    {
        if (MaxBytes <= 0)
        {
            throw new InvalidSettingException("image.maxBytes", $"must be a positive number of bytes, not {MaxBytes}.");
        }

        if (MaxPixels <= 0)
        {
            throw new InvalidSettingException("image.maxPixels", $"must be a positive number of pixels, not {MaxPixels}.");
        }
    }
}
