using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
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
/// Per frame nothing is allocated: resample tables and work buffers are built for a source size on first
/// use and reused while frames keep that size (a camera's). Not thread-safe: use one instance per thread.
/// </para>
/// </remarks>
public sealed class ImagePreprocessor
{
    private readonly float[] _lut; // [3 × 256]: value of pixel p in model channel c, before the mean image
    private readonly float[]? _meanImage; // [C,H,W], already divided by std
    private readonly int[] _sourceChannel; // model channel c reads RGB channel _sourceChannel[c]
    private readonly float[] _channelMean; // per-channel mean in the table's expression (0 with a mean image)
    private readonly float[] _std;
    private byte[]? _resized; // H × W × 3, RGB: only for the reference resize, made on its first use
    private Geometry? _geometry;

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

        _std = std.ToArray();
        _channelMean = new float[3];
        for (var c = 0; c < 3; c++)
        {
            var mean = input.Mean.PerChannel is { } perChannel ? perChannel[c] : 0f;
            _channelMean[c] = mean;
            for (var p = 0; p < 256; p++)
            {
                // Computed as the spec states it (scale, subtract, divide), so that hand computations match to the last bit.
                _lut[(c * 256) + p] = ((p * input.PixelScale / 255f) - mean) / std[c];
            }
        }

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
            FilterRow(g, rgb24, stride, y);
            EmitNormalizedRow(g, y, destination);
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
            FilterRow(g, rgb24, stride, y);
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

    // Output row y, filtered vertically first (the source rows are contiguous bytes, so that pass is plain
    // SIMD over the whole row, and the awkward horizontal pass then runs on 224 rows instead of 480), then
    // horizontally into one float row per RGB channel (g.Planes). No rounding between the passes. Every
    // element is summed in the same order on every path (tap 0 first, multiply then add: no FMA), so the
    // AVX-512, Vector128 and scalar code give identical bits and a device matches the host.
    private void FilterRow(Geometry g, ReadOnlySpan<byte> rgb24, int stride, int y)
    {
        var yt = g.Y;
        var n = yt.Count[y];
        var rowBytes = g.SourceWidth * 3;
        ref var first = ref Unsafe.Add(ref MemoryMarshal.GetReference(rgb24), (nint)yt.Start[y] * stride);
        ref var w = ref yt.Weights[y * yt.Taps];
        ref var vrow = ref MemoryMarshal.GetArrayDataReference(g.VerticalRow);
        var i = 0;
        if (Avx512F.IsSupported)
        {
            for (; i + 16 <= rowBytes; i += 16)
            {
                ref var p = ref Unsafe.Add(ref first, i);
                var acc = Widen512(ref p) * Vector512.Create(w);
                for (var k = 1; k < n; k++)
                {
                    acc += Widen512(ref Unsafe.Add(ref p, (nint)k * stride)) * Vector512.Create(Unsafe.Add(ref w, k));
                }

                acc.StoreUnsafe(ref vrow, (nuint)i);
            }
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            for (; i + 16 <= rowBytes; i += 16)
            {
                ref var p = ref Unsafe.Add(ref first, i);
                var weight = Vector128.Create(w);
                var (a0, a1, a2, a3) = Widen128(ref p);
                a0 *= weight;
                a1 *= weight;
                a2 *= weight;
                a3 *= weight;
                for (var k = 1; k < n; k++)
                {
                    weight = Vector128.Create(Unsafe.Add(ref w, k));
                    var (b0, b1, b2, b3) = Widen128(ref Unsafe.Add(ref p, (nint)k * stride));
                    a0 += b0 * weight;
                    a1 += b1 * weight;
                    a2 += b2 * weight;
                    a3 += b3 * weight;
                }

                a0.StoreUnsafe(ref vrow, (nuint)i);
                a1.StoreUnsafe(ref vrow, (nuint)i + 4);
                a2.StoreUnsafe(ref vrow, (nuint)i + 8);
                a3.StoreUnsafe(ref vrow, (nuint)i + 12);
            }
        }

        for (; i < rowBytes; i++)
        {
            ref var p = ref Unsafe.Add(ref first, i);
            var acc = p * w;
            for (var k = 1; k < n; k++)
            {
                acc += Unsafe.Add(ref p, (nint)k * stride) * Unsafe.Add(ref w, k);
            }

            Unsafe.Add(ref vrow, i) = acc;
        }

        // Horizontal: each output pixel is Σ weight · (R,G,B,·) over a fixed number of taps (zero-weighted
        // beyond its own, so no per-pixel loop bound to mispredict); the fourth lane is ignored. Pixels go in
        // groups of four (Vector512) or two (Vector256) whose weights are stored pre-broadcast per pixel; the
        // taps may reach past the row end into VerticalRow's zeroed slack.
        var outW = Input.Width;
        var taps = g.HorizontalTaps;
        ref var start = ref MemoryMarshal.GetArrayDataReference(g.X.Start);
        ref var hw = ref MemoryMarshal.GetArrayDataReference(g.HorizontalWeights); // [pixel, tap, 4 lanes]
        ref var planes = ref MemoryMarshal.GetArrayDataReference(g.Planes);
        var x = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; x + 4 <= outW; x += 4)
            {
                ref var p0 = ref Unsafe.Add(ref vrow, Unsafe.Add(ref start, x) * 3);
                ref var p1 = ref Unsafe.Add(ref vrow, Unsafe.Add(ref start, x + 1) * 3);
                ref var p2 = ref Unsafe.Add(ref vrow, Unsafe.Add(ref start, x + 2) * 3);
                ref var p3 = ref Unsafe.Add(ref vrow, Unsafe.Add(ref start, x + 3) * 3);
                ref var wx = ref Unsafe.Add(ref hw, x * taps * 4);
                var acc = Vector512<float>.Zero;
                for (var k = 0; k < taps; k++)
                {
                    var o = (nuint)(k * 3);
                    // Built on the lower half (ToVector512Unsafe) rather than Vector512.Create, which inserts both
                    // halves into one register and so chains every tap to the previous one.
                    var pixels = Vector256.Create(Vector128.LoadUnsafe(ref p0, o), Vector128.LoadUnsafe(ref p1, o)).ToVector512Unsafe()
                        .WithUpper(Vector256.Create(Vector128.LoadUnsafe(ref p2, o), Vector128.LoadUnsafe(ref p3, o)));
                    acc += pixels * Vector512.LoadUnsafe(ref wx, (nuint)(k * 16));
                }

                StorePixel(ref planes, outW, x, acc.GetLower().GetLower());
                StorePixel(ref planes, outW, x + 1, acc.GetLower().GetUpper());
                StorePixel(ref planes, outW, x + 2, acc.GetUpper().GetLower());
                StorePixel(ref planes, outW, x + 3, acc.GetUpper().GetUpper());
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            for (; x + 2 <= outW; x += 2)
            {
                ref var p0 = ref Unsafe.Add(ref vrow, Unsafe.Add(ref start, x) * 3);
                ref var p1 = ref Unsafe.Add(ref vrow, Unsafe.Add(ref start, x + 1) * 3);
                ref var wx = ref Unsafe.Add(ref hw, x * taps * 4);
                var acc = Vector256<float>.Zero;
                for (var k = 0; k < taps; k++)
                {
                    var o = (nuint)(k * 3);
                    acc += Vector256.Create(Vector128.LoadUnsafe(ref p0, o), Vector128.LoadUnsafe(ref p1, o)) * Vector256.LoadUnsafe(ref wx, (nuint)(k * 8));
                }

                StorePixel(ref planes, outW, x, acc.GetLower());
                StorePixel(ref planes, outW, x + 1, acc.GetUpper());
            }
        }

        for (; x < outW; x++)
        {
            ref var p = ref Unsafe.Add(ref vrow, Unsafe.Add(ref start, x) * 3);
            var acc = Vector128<float>.Zero;
            for (var k = 0; k < taps; k++)
            {
                acc += Vector128.LoadUnsafe(ref p, (nuint)(k * 3)) * Vector128.LoadUnsafe(ref hw, (nuint)GroupedWeightIndex(outW, taps, x, k));
            }

            StorePixel(ref planes, outW, x, acc);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StorePixel(ref float planes, int outW, int x, Vector128<float> rgb)
    {
        Unsafe.Add(ref planes, x) = rgb.GetElement(0);
        Unsafe.Add(ref planes, outW + x) = rgb.GetElement(1);
        Unsafe.Add(ref planes, (2 * outW) + x) = rgb.GetElement(2);
    }

    // Where the 4 broadcast copies of pixel x's tap k are in Geometry.HorizontalWeights. Pixels are grouped by
    // the SIMD width (4 with Vector512, 2 with Vector256, else 1; the tail of a row in groups of 1) and within
    // a group laid out [tap][pixel][4], so one aligned load per tap feeds the whole group.
    private static int GroupedWeightIndex(int outW, int taps, int x, int k)
    {
        var group = Vector512.IsHardwareAccelerated ? 4 : Vector256.IsHardwareAccelerated ? 2 : 1;
        var grouped = outW / group * group;
        if (x >= grouped)
        {
            group = 1;
        }

        var first = x / group * group;
        return (first * taps * 4) + (((k * group) + (x - first)) * 4);
    }

    // Rounds the filtered row y to 8 bits (as ResizeTo does) and normalises it into the three planes. The
    // arithmetic is the table's expression, ((p · scale / 255) − mean) / std, in the same float operations, so
    // the SIMD lanes and the scalar tail (the table) give the same bits as Normalize.
    private void EmitNormalizedRow(Geometry g, int y, Span<float> destination)
    {
        var outW = Input.Width;
        var plane = Input.Height * outW;
        var half = new Vector<float>(0.5f);
        var max = new Vector<int>(255);
        for (var c = 0; c < 3; c++)
        {
            var h = g.Planes.AsSpan(_sourceChannel[c] * outW, outW);
            var dst = destination.Slice((c * plane) + (y * outW), outW);
            var mean = _meanImage is null ? ReadOnlySpan<float>.Empty : _meanImage.AsSpan((c * plane) + (y * outW), outW);
            var scale = new Vector<float>(Input.PixelScale);
            var channelMean = new Vector<float>(_channelMean[c]);
            var std = new Vector<float>(_std[c]);
            var x = 0;
            if (Vector.IsHardwareAccelerated)
            {
                for (; x + Vector<float>.Count <= outW; x += Vector<float>.Count)
                {
                    var p = Vector.Min(Vector.Max(Vector.ConvertToInt32(new Vector<float>(h[x..]) + half), Vector<int>.Zero), max);
                    var v = ((Vector.ConvertToSingle(p) * scale / 255f) - channelMean) / std;
                    if (!mean.IsEmpty)
                    {
                        v -= new Vector<float>(mean[x..]);
                    }

                    v.CopyTo(dst[x..]);
                }
            }

            var lut = _lut.AsSpan(c * 256, 256);
            for (; x < outW; x++)
            {
                var v = lut[Math.Clamp((int)(h[x] + 0.5f), 0, 255)];
                dst[x] = mean.IsEmpty ? v : v - mean[x];
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Widen512(ref byte p) =>
        Avx512F.ConvertToVector512Single(Avx512F.ConvertToVector512Int32(Vector128.LoadUnsafe(ref p)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector128<float>, Vector128<float>, Vector128<float>, Vector128<float>) Widen128(ref byte p)
    {
        var (lo, hi) = Vector128.Widen(Vector128.LoadUnsafe(ref p));
        var (a, b) = Vector128.Widen(lo);
        var (c, d) = Vector128.Widen(hi);
        return (Vector128.ConvertToSingle(a), Vector128.ConvertToSingle(b), Vector128.ConvertToSingle(c), Vector128.ConvertToSingle(d));
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
        g = new Geometry(width, height, x, y, Input.Width, Input.Height);
        _geometry = g;
        return g;
    }

    // The tables and work rows for one source size; the reference resize's buffers only when it is used.
    private sealed class Geometry
    {
        private ReferenceResize? _reference;

        public Geometry(int sourceWidth, int sourceHeight, ResampleTable x, ResampleTable y, int outWidth, int outHeight)
        {
            SourceWidth = sourceWidth;
            SourceHeight = sourceHeight;
            X = x;
            Y = y;
            OutWidth = outWidth;
            OutHeight = outHeight;

            // The horizontal taps padded to the widest pixel's count with zero weights, each broadcast to 4
            // lanes and grouped for the SIMD width (see GroupedWeightIndex).
            HorizontalTaps = x.Count.Max();
            HorizontalWeights = new float[outWidth * HorizontalTaps * 4];
            for (var i = 0; i < outWidth; i++)
            {
                for (var k = 0; k < x.Count[i]; k++)
                {
                    HorizontalWeights.AsSpan(GroupedWeightIndex(outWidth, HorizontalTaps, i, k), 4).Fill(x.Weights[(i * x.Taps) + k]);
                }
            }

            // Slack after the row: padded taps of the last pixels and the unused fourth lane of a Vector128 read.
            VerticalRow = new float[(sourceWidth + HorizontalTaps + 1) * 3];
            Planes = new float[3 * outWidth];
        }

        public int SourceWidth { get; }

        public int SourceHeight { get; }

        public int OutWidth { get; }

        public int OutHeight { get; }

        public ResampleTable X { get; }

        public ResampleTable Y { get; }

        public int HorizontalTaps { get; }

        public float[] HorizontalWeights { get; }

        public float[] VerticalRow { get; }

        public float[] Planes { get; }

        public byte[]? FrameCopy { get; set; }

        public ReferenceResize Reference => _reference ??= new ReferenceResize(X, Y, OutWidth, OutHeight);
    }
}
