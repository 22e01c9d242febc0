using System.Buffers;
using EdgeTransfer.Artifacts.IO;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.Formats.Bmp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;

namespace EdgeTransfer.Imaging.Decoding;

/// <summary>
/// Decodes untrusted image bytes (camera frames, files copied onto the device, calibration folders) to
/// RGB24 with ImageSharp, defensively: only PNG, JPEG and BMP, recognised by content; the byte size and
/// the pixel count declared by the header are checked before any pixel is decoded (decompression bombs);
/// ImageSharp runs with a configuration that knows only those three formats, with the decoder picked
/// from the checked header and metadata (text, EXIF, ICC profiles) ignored.
/// </summary>
/// <remarks>
/// Every failure — unsupported, corrupt, truncated, too large, unreadable — is an
/// <see cref="ImageDecodeException"/> for that image only; the decoder stays usable. Thread-safe.
/// EXIF orientation is not applied: frames are used as the sensor captured them.
/// </remarks>
public sealed class HardenedImageDecoder
{
    // Metadata (text, EXIF, ICC) is never read: it is not needed, and compressed text or profile chunks are
    // a second way to hide a decompression bomb.
    private static readonly PngDecoder Png = new() { IgnoreMetadata = true };
    private static readonly JpegDecoder Jpeg = new() { IgnoreMetadata = true };
    private static readonly BmpDecoder Bmp = new();

    private readonly Configuration _configuration;

    /// <summary>Creates a decoder with the given limits (defaults when null).</summary>
    /// <param name="options">The limits; validated here.</param>
    /// <exception cref="InvalidSettingException">A limit is not positive.</exception>
    public HardenedImageDecoder(ImageDecoderOptions? options = null)
    {
        Options = options ?? new ImageDecoderOptions();
        Options.Validate();

        // Only the allow-listed codecs are registered: ImageSharp cannot be talked into any other decoder.
        _configuration = new Configuration(new PngConfigurationModule(), new JpegConfigurationModule(), new BmpConfigurationModule())
        {
            PreferContiguousImageBuffers = true,
        };
    }

    /// <summary>The limits in force.</summary>
    public ImageDecoderOptions Options { get; }

    /// <summary>Reads and checks the header of <paramref name="data"/> without decoding pixels.</summary>
    /// <param name="data">The encoded image.</param>
    /// <param name="sourceName">The file path or frame name, for the error message.</param>
    /// <returns>The format and the declared size.</returns>
    /// <exception cref="ImageDecodeException">Unsupported, corrupt, truncated or beyond the limits.</exception>
    public ImageHeaderInfo Identify(ReadOnlySpan<byte> data, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(sourceName);
        CheckByteSize(data.Length, sourceName);
        var reason = ImageHeaderReader.TryRead(data, Options.RequireCompleteFile, out var header);
        if (reason is not null)
        {
            throw new ImageDecodeException(sourceName, reason);
        }

        if (header.PixelCount > Options.MaxPixels)
        {
            throw new ImageDecodeException(
                sourceName,
                $"the {Name(header.Format)} header declares {header.Width} × {header.Height} = {header.PixelCount} pixels, more than the limit of {Options.MaxPixels}; "
                + "a file this small that claims so many pixels is a decompression bomb, a real one needs a higher image.maxPixels.");
        }

        return header;
    }

    /// <summary>Decodes <paramref name="data"/> to an RGB24 image; the caller owns (disposes) it.</summary>
    /// <param name="data">The encoded image.</param>
    /// <param name="sourceName">The file path or frame name, for the error message.</param>
    /// <exception cref="ImageDecodeException">Unsupported, corrupt, truncated or beyond the limits.</exception>
    public Image<Rgb24> Decode(ReadOnlySpan<byte> data, string sourceName)
    {
        var header = Identify(data, sourceName);
        Image<Rgb24> image;
        try
        {
            // The decoder is chosen from the checked header, so ImageSharp's own format detection never runs.
            IImageDecoder decoder = header.Format switch
            {
                ImageFileFormat.Png => Png,
                ImageFileFormat.Jpeg => Jpeg,
                _ => Bmp,
            };
            image = Image.Load<Rgb24>(_configuration, data, decoder);
        }
#pragma warning disable CA1031 // Any decoder failure on untrusted bytes is an error for this image only, wrapped with its cause.
        catch (Exception ex) when (ex is not OutOfMemoryException)
#pragma warning restore CA1031
        {
            throw new ImageDecodeException(sourceName, $"the {Name(header.Format)} data is corrupt: {Reason(ex)}", ex);
        }

        if (image.Width != header.Width || image.Height != header.Height)
        {
            var actual = $"{image.Width} × {image.Height}";
            image.Dispose();
            throw new ImageDecodeException(
                sourceName,
                $"the {Name(header.Format)} header declares {header.Width} × {header.Height} pixels but the decoder produced {actual}; the file is corrupt.");
        }

        return image;
    }

    /// <summary>Reads at most <see cref="ImageDecoderOptions.MaxBytes"/> from <paramref name="stream"/> and decodes it.</summary>
    /// <param name="stream">The encoded image; read to its end, not disposed.</param>
    /// <param name="sourceName">The frame or payload name, for the error message.</param>
    /// <exception cref="ImageDecodeException">Unsupported, corrupt, truncated, beyond the limits or unreadable.</exception>
    public Image<Rgb24> Decode(Stream stream, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(sourceName);
        var limit = (int)Math.Min(Options.MaxBytes, Array.MaxLength - 1);
        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Min(limit + 1L, 64 * 1024));
        try
        {
            var length = 0;
            while (true)
            {
                if (length == buffer.Length)
                {
                    // length <= limit here, so the new buffer is strictly larger.
                    var bigger = ArrayPool<byte>.Shared.Rent((int)Math.Min(2L * buffer.Length, limit + 1L));
                    buffer.AsSpan(0, length).CopyTo(bigger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = bigger;
                }

                int read;
                try
                {
                    read = stream.Read(buffer, length, buffer.Length - length);
                }
                catch (IOException ex)
                {
                    throw new ImageDecodeException(sourceName, $"it could not be read: {ex.Message}", ex);
                }

                if (read == 0)
                {
                    break;
                }

                length += read;
                if (length > limit)
                {
                    throw new ImageDecodeException(sourceName, $"it is larger than the limit of {Options.MaxBytes} bytes (image.maxBytes); check the source or raise the limit.");
                }
            }

            return Decode(buffer.AsSpan(0, length), sourceName);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Decodes the image file at <paramref name="path"/>; its kind and size are checked before it is opened.</summary>
    /// <param name="path">The file; its extension is ignored, the content decides the format.</param>
    /// <exception cref="ImageDecodeException">
    /// Missing, not a regular file (a directory, a FIFO, a device), unreadable, unsupported, corrupt, truncated or beyond the limits.
    /// </exception>
    public Image<Rgb24> DecodeFile(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var file = BoundedFile.OpenRead(path, Options.MaxBytes, reason => new ImageDecodeException(path, reason), "image.maxBytes");
        return Decode(file, path);
    }

    private static string Name(ImageFileFormat format) => format.ToString().ToUpperInvariant();

    // ImageSharp's own format errors say what is wrong with the data; anything else (an index or argument out
    // of range deep in a decoder) carries runtime text that means nothing to a technician: it stays the inner exception.
    private static string Reason(Exception ex) => ex is ImageFormatException
        ? ex.Message
        : "its content contradicts itself (the decoder stopped on a value out of range); re-capture or re-export the image.";

    private void CheckByteSize(long length, string sourceName)
    {
        if (length > Options.MaxBytes)
        {
            throw new ImageDecodeException(
                sourceName,
                $"it is {length} bytes, more than the limit of {Options.MaxBytes} bytes (image.maxBytes); check the source or raise the limit.");
        }
    }
}
