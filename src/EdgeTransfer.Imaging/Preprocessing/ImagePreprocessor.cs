using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using EdgeTransfer.Artifacts.Preprocessing;
using SixLabors.ImageSharp;
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
/// then every value becomes <c>(p · pixelScale / 255 − mean) / std</c> through a 256-entry table per
/// channel, which is exact for the ResNet18 spec (<c>p − mean</c>).
/// </para>
/// <para>
/// Per frame nothing is allocated: resample tables and work buffers are built for a source size on first
/// use and reused while frames keep that size (a camera's). Not thread-safe: use one instance per thread.
/// </para>
/// </remarks>
public sealed class ImagePreprocessor
{
    private readonly float[] _lut; // [3 × 256]: value of pixel p in model channel c, before the mean image
    private readonly float[]? _meanImage; // [C,H,W], already divided by std
    private readonly int[] _sourceChannel; // model channel c reads RGB channel _sourceChannel[c]
    private readonly byte[] _resized; // H × W × 3, RGB
    private readonly PixelAccessorAction<Rgb24> _horizontalPassOverImage;
    private Geometry? _geometry;
    private Geometry? _current;

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
        var std = input.GetStd();
        _sourceChannel = input.ChannelOrder == ChannelOrder.Bgr ? [2, 1, 0] : [0, 1, 2];
        _lut = new float[3 * 256];
        var plane = input.Height * input.Width;
        if (input.Mean.IsImage)
        {
            if (meanImage.Length != 3 * plane)
            {
                throw new InvalidSettingException(
                    "input.mean",
                    meanImage.IsEmpty
                        ? "the spec subtracts a mean image, but none was given; load it (ReadMeanImageFile, or the model initializer the spec names) and pass it."
                        : $"the mean image has {meanImage.Length} values; expected 3 × {input.Height} × {input.Width} = {3 * plane} ([C,H,W], {input.ChannelOrder} order).");
            }

            _meanImage = new float[3 * plane];
            for (var c = 0; c < 3; c++)
            {
                for (var i = 0; i < plane; i++)
                {
                    var m = meanImage[(c * plane) + i];
                    if (!float.IsFinite(m))
                    {
                        throw new InvalidSettingException("input.mean", $"the mean image holds a non-finite value ({m}) at channel {c}, index {i}.");
                    }

                    _meanImage[(c * plane) + i] = m / std[c];
                }
            }
        }

        for (var c = 0; c < 3; c++)
        {
            var mean = input.Mean.PerChannel is { } perChannel ? perChannel[c] : 0f;
            for (var p = 0; p < 256; p++)
            {
                // Computed as the spec states it (scale, subtract, divide), so that hand computations match to the last bit.
                _lut[(c * 256) + p] = ((p * input.PixelScale / 255f) - mean) / std[c];
            }
        }

        _resized = new byte[plane * 3];
        _horizontalPassOverImage = HorizontalPassOverImage;
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
        var expected = (long)input.Channels * input.Height * input.Width;
        byte[] bytes;
        try
        {
            var length = new FileInfo(path).Length;
            if (length != expected * sizeof(float))
            {
                throw new InvalidSettingException(
                    "input.mean.imageFile",
                    $"'{path}' has {length} bytes; expected {expected * sizeof(float)} (float32 [{input.Channels},{input.Height},{input.Width}]).");
            }

            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new InvalidSettingException("input.mean.imageFile", $"'{path}' cannot be read: {ex.Message}", ex);
        }

        var values = new float[expected];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(i * sizeof(float)));
            if (!float.IsFinite(values[i]))
            {
                throw new InvalidSettingException("input.mean.imageFile", $"'{path}' holds a non-finite value ({values[i]}) at index {i}.");
            }
        }

        return values;
    }

    /// <summary>Preprocesses a decoded image into <paramref name="destination"/> ([C,H,W] floats).</summary>
    /// <param name="image">The frame, any size.</param>
    /// <param name="destination">At least <see cref="ValuesPerImage"/> floats; the first <see cref="ValuesPerImage"/> are written.</param>
    public void Preprocess(Image<Rgb24> image, Span<float> destination)
    {
        ResizeTo(image, _resized);
        Normalize(_resized, destination);
    }

    /// <summary>Preprocesses a raw RGB24 frame (as a camera or a frame grabber delivers it).</summary>
    /// <param name="rgb24">The pixels, R,G,B bytes, rows top to bottom.</param>
    /// <param name="width">The frame width.</param>
    /// <param name="height">The frame height.</param>
    /// <param name="stride">Bytes from one row to the next (at least width × 3).</param>
    /// <param name="destination">At least <see cref="ValuesPerImage"/> floats.</param>
    public void Preprocess(ReadOnlySpan<byte> rgb24, int width, int height, int stride, Span<float> destination)
    {
        ResizeTo(rgb24, width, height, stride, _resized);
        Normalize(_resized, destination);
    }

    /// <summary>The resize step alone: writes the model-sized RGB24 frame (H × W × 3 bytes) that <see cref="Normalize"/> takes.</summary>
    /// <param name="image">The frame, any size.</param>
    /// <param name="destination">At least H × W × 3 bytes.</param>
    public void ResizeTo(Image<Rgb24> image, Span<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, _resized.Length, nameof(destination));
        _current = GeometryFor(image.Width, image.Height);

        // Rows are read in place (an image may span several buffers); the delegate is cached, so no allocation.
        image.ProcessPixelRows(_horizontalPassOverImage);
        VerticalPass(_current, destination);
    }

    /// <summary>The resize step alone, from a raw RGB24 frame.</summary>
    /// <param name="rgb24">The pixels, R,G,B bytes, rows top to bottom.</param>
    /// <param name="width">The frame width.</param>
    /// <param name="height">The frame height.</param>
    /// <param name="stride">Bytes from one row to the next (at least width × 3).</param>
    /// <param name="destination">At least H × W × 3 bytes.</param>
    public void ResizeTo(ReadOnlySpan<byte> rgb24, int width, int height, int stride, Span<byte> destination)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(stride, width * 3);
        ArgumentOutOfRangeException.ThrowIfLessThan(rgb24.Length, ((height - 1) * stride) + (width * 3), nameof(rgb24));
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, _resized.Length, nameof(destination));

        var g = GeometryFor(width, height);
        for (var y = g.Y.First; y < g.Y.End; y++)
        {
            HorizontalPass(g, y, rgb24.Slice(y * stride, width * 3));
        }

        VerticalPass(g, destination);
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
        for (var c = 0; c < 3; c++)
        {
            var lut = _lut.AsSpan(c * 256, 256);
            var src = _sourceChannel[c];
            var dst = destination.Slice(c * plane, plane);
            if (_meanImage is null)
            {
                for (var i = 0; i < plane; i++)
                {
                    dst[i] = lut[resizedRgb[(i * 3) + src]];
                }
            }
            else
            {
                var mean = _meanImage.AsSpan(c * plane, plane);
                for (var i = 0; i < plane; i++)
                {
                    dst[i] = lut[resizedRgb[(i * 3) + src]] - mean[i];
                }
            }
        }
    }

    private void HorizontalPassOverImage(PixelAccessor<Rgb24> accessor)
    {
        var g = _current!;
        for (var y = g.Y.First; y < g.Y.End; y++)
        {
            HorizontalPass(g, y, MemoryMarshal.AsBytes(accessor.GetRowSpan(y)));
        }
    }

    // Horizontal filter of one source row into floats (no rounding between the passes).
    // Bounds were checked by the callers and the tables; refs avoid per-tap bounds checks in this hot loop.
    private void HorizontalPass(Geometry g, int y, ReadOnlySpan<byte> src)
    {
        var outW = Input.Width;
        var xt = g.X;
        var taps = xt.Taps;
        ref var source = ref MemoryMarshal.GetReference(src);
        ref var dst = ref g.Rows[(y - g.Y.First) * outW * 3];
        ref var start = ref MemoryMarshal.GetArrayDataReference(xt.Start);
        ref var count = ref MemoryMarshal.GetArrayDataReference(xt.Count);
        ref var weights = ref MemoryMarshal.GetArrayDataReference(xt.Weights);
        for (var x = 0; x < outW; x++)
        {
            ref var p = ref Unsafe.Add(ref source, Unsafe.Add(ref start, x) * 3);
            ref var w = ref Unsafe.Add(ref weights, x * taps);
            var n = Unsafe.Add(ref count, x);
            float r = 0f, gg = 0f, b = 0f;
            for (var k = 0; k < n; k++)
            {
                var wk = Unsafe.Add(ref w, k);
                r += Unsafe.Add(ref p, 0) * wk;
                gg += Unsafe.Add(ref p, 1) * wk;
                b += Unsafe.Add(ref p, 2) * wk;
                p = ref Unsafe.Add(ref p, 3);
            }

            Unsafe.Add(ref dst, x * 3) = r;
            Unsafe.Add(ref dst, (x * 3) + 1) = gg;
            Unsafe.Add(ref dst, (x * 3) + 2) = b;
        }
    }

    // Vertical filter over the horizontally filtered rows, a whole row at a time (SIMD), rounded to 8 bits
    // like a resized bitmap.
    private void VerticalPass(Geometry g, Span<byte> destination)
    {
        var yt = g.Y;
        var rows = g.Rows.AsSpan();
        var rowLength = Input.Width * 3;
        var acc = g.Accumulator.AsSpan(0, rowLength);
        var accVectors = MemoryMarshal.Cast<float, Vector<float>>(g.Accumulator.AsSpan());
        var vectorCount = (rowLength + Vector<float>.Count - 1) / Vector<float>.Count;
        for (var y = 0; y < Input.Height; y++)
        {
            var n = yt.Count[y];
            var w = yt.Weights.AsSpan(y * yt.Taps, n);
            var first = (yt.Start[y] - yt.First) * rowLength;
            accVectors.Clear();
            for (var k = 0; k < n; k++)
            {
                var weight = new Vector<float>(w[k]);
                var row = MemoryMarshal.Cast<float, Vector<float>>(rows.Slice(first + (k * rowLength), g.PaddedRowLength));
                for (var v = 0; v < vectorCount; v++)
                {
                    accVectors[v] += row[v] * weight;
                }
            }

            var dst = destination.Slice(y * rowLength, rowLength);
            for (var i = 0; i < rowLength; i++)
            {
                dst[i] = (byte)Math.Clamp((int)(acc[i] + 0.5f), 0, 255);
            }
        }
    }

    private Geometry GeometryFor(int width, int height)
    {
        if (_geometry is { } g && g.SourceWidth == width && g.SourceHeight == height)
        {
            return g;
        }

        int resizedW;
        int resizedH;
        if (Input.Resize.Mode == ResizeMode.ShorterSide)
        {
            // torchvision Resize(int): the shorter side becomes `size`, the longer one int(size · long / short).
            var size = Input.Resize.Size!.Value;
            if (width <= height)
            {
                resizedW = size;
                resizedH = (int)((long)size * height / width);
            }
            else
            {
                resizedH = size;
                resizedW = (int)((long)size * width / height);
            }
        }
        else
        {
            resizedW = Input.Width;
            resizedH = Input.Height;
        }

        // torchvision CenterCrop: offset = round((resized − crop) / 2), half to even.
        var left = (int)Math.Round((resizedW - Input.Width) / 2.0, MidpointRounding.ToEven);
        var top = (int)Math.Round((resizedH - Input.Height) / 2.0, MidpointRounding.ToEven);
        var x = ResampleTable.Create(width, resizedW, left, Input.Width);
        var y = ResampleTable.Create(height, resizedH, top, Input.Height);
        // Rows are read as whole SIMD vectors, so the buffer has a vector's worth of slack at the end.
        var rowLength = Input.Width * 3;
        var padded = (rowLength + Vector<float>.Count - 1) / Vector<float>.Count * Vector<float>.Count;
        g = new Geometry(width, height, x, y, new float[((y.End - y.First) * rowLength) + padded], new float[padded], padded);
        _geometry = g;
        return g;
    }

    private sealed record Geometry(int SourceWidth, int SourceHeight, ResampleTable X, ResampleTable Y, float[] Rows, float[] Accumulator, int PaddedRowLength);
}
