using System.Runtime.InteropServices;
using EdgeTransfer.Artifacts.Preprocessing;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Advanced;
using SixLabors.ImageSharp.PixelFormats;

namespace EdgeTransfer.Imaging.Preprocessing;

/// <summary>
/// Turns an RGB24 frame into the model's float input tensor [C,H,W] as its <see cref="InputSpec"/> says:
/// resize (stretch, or shorter side then centre crop; bilinear), channel order (RGB or BGR), pixel scale
/// (0–255 or 0–1), mean (per channel or a whole mean image) and std.
/// </summary>
/// <remarks>
/// <para>
/// The resize produces an 8-bit RGB frame of the model's size (like the bitmap ML.NET and PIL resize to),
/// then every value becomes <c>(p · pixelScale / 255 − mean) / std</c> (a 256-entry table per channel, or
/// the same float operations in SIMD lanes), which is exact for the ResNet18 spec (<c>p − mean</c>).
/// </para>
/// <para>
/// <see cref="Preprocess(ReadOnlySpan{byte}, int, int, int, Span{float})"/> does it in one pass per output
/// row (vertical filter over the source bytes, horizontal filter, rounding, normalisation into the three
/// planes) with AVX-512, Vector256/128 or scalar code as the CPU allows; the 8-bit frame is never stored.
/// </para>
/// <para>
/// The pieces: <see cref="ResizeGeometry"/> (resize and crop tables per source size), <see cref="BilinearRowFilter"/>
/// (the SIMD row filter) and <see cref="ChannelNormalizer"/> (channel order, scale, mean, std).
/// </para>
/// <para>
/// Per frame nothing is allocated: resample tables and work buffers are built for a source size on first
/// use and reused while frames keep that size (a camera's). Not thread-safe: use one instance per thread.
/// </para>
/// </remarks>
public sealed class ImagePreprocessor
{
    private readonly ChannelNormalizer _normalizer;
    private byte[]? _resized; // H × W × 3, RGB: only for the reference resize, made on its first use
    private ResizeGeometry? _geometry;

    /// <summary>Creates a preprocessor for a spec whose mean is per channel.</summary>
    /// <param name="input">The input section of the spec (validated by its loader).</param>
    /// <exception cref="InvalidSettingException">The spec needs a mean image, or a value cannot be used.</exception>
    public ImagePreprocessor(InputSpec input)
        : this(input, ReadOnlySpan<float>.Empty)
    {
    }

    /// <summary>Creates a preprocessor; <paramref name="meanImage"/> is required when the spec subtracts a mean image.</summary>
    /// <param name="input">The input section of the spec (validated by its loader).</param>
    /// <param name="meanImage">The mean image [C,H,W] in the model's channel order and pixel scale; copied. Empty for a per-channel mean.</param>
    /// <exception cref="InvalidSettingException">The mean image is missing or has the wrong size, or a value cannot be used.</exception>
    public ImagePreprocessor(InputSpec input, ReadOnlySpan<float> meanImage)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Channels != 3)
        {
            throw new InvalidSettingException("input.channels", $"expected 3 (RGB or BGR), got {input.Channels}.");
        }

        if (input.PixelScale is not (1f or 255f))
        {
            throw new InvalidSettingException("input.pixelScale", $"expected 255 or 1, got {input.PixelScale}.");
        }

        if (input.Resize.Mode == ResizeMode.ShorterSide && (input.Resize.Size is not { } side || side < Math.Max(input.Height, input.Width)))
        {
            throw new InvalidSettingException("input.resize.size", $"mode \"shorter-side\" needs a size of at least {Math.Max(input.Height, input.Width)}, got {input.Resize.Size?.ToString() ?? "none"}.");
        }

        Input = input;
        _normalizer = new ChannelNormalizer(input, meanImage);
    }

    /// <summary>The input spec this preprocessor applies.</summary>
    public InputSpec Input { get; }

    /// <summary>The number of floats one preprocessed image has (C·H·W).</summary>
    public int ValuesPerImage => 3 * Input.Height * Input.Width;

    /// <summary>Creates a preprocessor from a whole spec, loading a raw mean image file when the spec names one.</summary>
    /// <param name="spec">The preprocessing spec.</param>
    /// <exception cref="InvalidSettingException">
    /// The mean image cannot be read, or it is held in a model initializer (the host tool extracts it; pass
    /// it to <see cref="ImagePreprocessor(InputSpec, ReadOnlySpan{float})"/>).
    /// </exception>
    public static ImagePreprocessor Create(PreprocessingSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.Input.Mean.PerChannel is not null)
        {
            return new ImagePreprocessor(spec.Input);
        }

        if (spec.ResolveMeanImageFilePath() is { } file)
        {
            return new ImagePreprocessor(spec.Input, ReadMeanImageFile(file, spec.Input));
        }

        throw new InvalidSettingException(
            "input.mean.image",
            $"the mean image is held by initializer '{spec.Input.Mean.Image?.Initializer}' of '{spec.Input.Mean.Image?.Model}'; extract it (the artifact tool writes it into the bundle as a raw file) and pass it to the constructor.");
    }

    /// <summary>Reads a raw mean image: float32 little-endian [C,H,W] in the model's channel order.</summary>
    /// <param name="path">The file (<c>mean_image.f32</c> in a bundle).</param>
    /// <param name="input">The input spec, for the expected size.</param>
    /// <returns>The values.</returns>
    /// <exception cref="InvalidSettingException">Missing, unreadable, of the wrong size, or with non-finite values.</exception>
    public static float[] ReadMeanImageFile(string path, InputSpec input)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(input);
        return MeanImageFile.Read(path, input);
    }

    /// <summary>
    /// Selects the first (scalar, rows-first) resize, kept as the baseline that tests and
    /// <c>edgetransfer bench pipeline</c> compare the SIMD resize with. Off by default.
    /// </summary>
    internal bool UseReferenceResize { get; set; }

    /// <summary>Preprocesses a decoded image into <paramref name="destination"/> ([C,H,W] floats).</summary>
    /// <param name="image">The frame, any size.</param>
    /// <param name="destination">At least <see cref="ValuesPerImage"/> floats; the first <see cref="ValuesPerImage"/> are written.</param>
    public void Preprocess(Image<Rgb24> image, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(image);
        Preprocess(PixelsOf(image), image.Width, image.Height, image.Width * 3, destination);
    }

    /// <summary>Preprocesses a raw RGB24 frame (as a camera or a frame grabber delivers it).</summary>
    /// <param name="rgb24">The pixels, R,G,B bytes, rows top to bottom.</param>
    /// <param name="width">The frame width.</param>
    /// <param name="height">The frame height.</param>
    /// <param name="stride">Bytes from one row to the next (at least width × 3).</param>
    /// <param name="destination">At least <see cref="ValuesPerImage"/> floats.</param>
    /// <remarks>
    /// Resize and normalisation are fused: each output row is filtered, rounded to 8 bits and normalised
    /// straight into its three planes, so the result is bit-identical to <see cref="Normalize"/> of
    /// <see cref="ResizeTo(ReadOnlySpan{byte}, int, int, int, Span{byte})"/> without the resized frame in between.
    /// </remarks>
    public void Preprocess(ReadOnlySpan<byte> rgb24, int width, int height, int stride, Span<float> destination)
    {
        CheckSource(rgb24, width, height, stride);
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, ValuesPerImage, nameof(destination));
        var g = GeometryFor(width, height);
        if (UseReferenceResize)
        {
            _resized ??= new byte[ValuesPerImage];
            g.Reference.Resize(rgb24, width, stride, _resized);
            Normalize(_resized, destination);
            return;
        }

        for (var y = 0; y < Input.Height; y++)
        {
            BilinearRowFilter.Filter(g, rgb24, stride, y);
            _normalizer.EmitRow(g.Planes, y, destination);
        }
    }

    /// <summary>The resize step alone: writes the model-sized RGB24 frame (H × W × 3 bytes) that <see cref="Normalize"/> takes.</summary>
    /// <param name="image">The frame, any size.</param>
    /// <param name="destination">At least H × W × 3 bytes.</param>
    public void ResizeTo(Image<Rgb24> image, Span<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(image);
        ResizeTo(PixelsOf(image), image.Width, image.Height, image.Width * 3, destination);
    }

    /// <summary>The resize step alone, from a raw RGB24 frame.</summary>
    /// <param name="rgb24">The pixels, R,G,B bytes, rows top to bottom.</param>
    /// <param name="width">The frame width.</param>
    /// <param name="height">The frame height.</param>
    /// <param name="stride">Bytes from one row to the next (at least width × 3).</param>
    /// <param name="destination">At least H × W × 3 bytes.</param>
    public void ResizeTo(ReadOnlySpan<byte> rgb24, int width, int height, int stride, Span<byte> destination)
    {
        CheckSource(rgb24, width, height, stride);
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, ValuesPerImage, nameof(destination));
        var g = GeometryFor(width, height);
        if (UseReferenceResize)
        {
            g.Reference.Resize(rgb24, width, stride, destination);
            return;
        }

        var outW = Input.Width;
        var planes = g.Planes;
        for (var y = 0; y < Input.Height; y++)
        {
            BilinearRowFilter.Filter(g, rgb24, stride, y);
            var dst = destination.Slice(y * outW * 3, outW * 3);
            for (var x = 0; x < outW; x++)
            {
                for (var c = 0; c < 3; c++)
                {
                    dst[(x * 3) + c] = (byte)Math.Clamp((int)(planes[(c * outW) + x] + 0.5f), 0, 255);
                }
            }
        }
    }

    /// <summary>
    /// The normalisation step alone: from a model-sized RGB24 frame (H × W × 3 bytes, RGB) to [C,H,W]
    /// floats in the model's channel order, scale, mean and std.
    /// </summary>
    /// <param name="resizedRgb">H × W × 3 bytes.</param>
    /// <param name="destination">At least <see cref="ValuesPerImage"/> floats.</param>
    public void Normalize(ReadOnlySpan<byte> resizedRgb, Span<float> destination)
    {
        var plane = Input.Height * Input.Width;
        ArgumentOutOfRangeException.ThrowIfLessThan(resizedRgb.Length, plane * 3, nameof(resizedRgb));
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, plane * 3, nameof(destination));
        _normalizer.Normalize(resizedRgb, destination);
    }

    private static void CheckSource(ReadOnlySpan<byte> rgb24, int width, int height, int stride)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(stride, width * 3);
        ArgumentOutOfRangeException.ThrowIfLessThan(rgb24.Length, ((height - 1) * stride) + (width * 3), nameof(rgb24));
    }

    // The decoder asks ImageSharp for contiguous buffers, so this is the frame in place; an image that spans
    // several buffers (a foreign configuration) is copied once into a buffer kept for its size.
    private ReadOnlySpan<byte> PixelsOf(Image<Rgb24> image)
    {
        // Not DangerousTryGetSinglePixelMemory: it enumerates the group with LINQ, 48 bytes per frame.
        var group = image.GetPixelMemoryGroup();
        if (group.Count == 1)
        {
            return MemoryMarshal.AsBytes(group[0].Span);
        }

        var g = GeometryFor(image.Width, image.Height);
        g.FrameCopy ??= new byte[image.Width * image.Height * 3];
        image.CopyPixelDataTo(g.FrameCopy);
        return g.FrameCopy;
    }

    private ResizeGeometry GeometryFor(int width, int height)
    {
        if (_geometry is { } g && g.SourceWidth == width && g.SourceHeight == height)
        {
            return g;
        }

        g = ResizeGeometry.Create(Input, width, height);
        _geometry = g;
        return g;
    }
}
