using System.Buffers;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

using EdgeTransfer.Artifacts.Randomness;

namespace EdgeTransfer.Synthetic;

/// <summary>
/// Seeded, deterministic generator of inspection images: a textured surface (brushed metal, woven fabric,
/// wood grain or painted plastic) under a random pose, lighting gradient and sensor noise, with a defect
/// drawn on it (thin bright or dark scratches, shaded dents, blotchy stains, holes).
/// </summary>
/// <remarks>
/// <para>
/// The image for (seed, class, index, size) is the same on every machine and .NET version: all randomness
/// comes from a fully specified generator seeded by those values, and drawing is plain float arithmetic.
/// </para>
/// <para>
/// The classes are meant to need real features: the surface, pose, lighting and noise are drawn from the
/// same distributions for every class, small harmless specks appear on every class, and the mean colour
/// change a defect causes is spread back over the image, so no class differs by its average colour.
/// </para>
/// <para>Thread-safe: every call has its own state and pooled work buffers.</para>
/// </remarks>
public sealed class SyntheticPartGenerator
{
    /// <summary>A part without defect.</summary>
    public const string Good = "good";

    /// <summary>One or two thin, slightly curved, bright or dark scratches.</summary>
    public const string Scratch = "scratch";

    /// <summary>A shallow elliptical dent, visible by its shading (one side lit, one side shadowed).</summary>
    public const string Dent = "dent";

    /// <summary>A blotchy stain (rust, oil, coffee-like or light residue) with a soft, irregular edge.</summary>
    public const string Stain = "stain";

    /// <summary>A small round hole: a dark interior with a lit and a shadowed rim.</summary>
    public const string Hole = "hole";

    /// <summary>The smallest image side supported.</summary>
    public const int MinSize = 16;

    /// <summary>The largest image side supported.</summary>
    public const int MaxSize = 4096;

    // The float canvases come from a pool of this class, not ArrayPool.Shared: the shared pool keeps one array per
    // size in every thread that returned one, and a device's frame source runs on whichever pool thread is free, so
    // each of them came to hold a 1 MB canvas of its own. This pool keeps at most two arrays per size, whoever returns
    // them (one frame source needs two: colour and coverage); parallel generation beyond that allocates and lets go.
    private static readonly ArrayPool<float> Canvases = ArrayPool<float>.Create(MaxSize * MaxSize * 3, 2);

    /// <summary>The side of the reference frame in which texture and defect sizes are designed.</summary>
    private const float ReferenceSize = 224f;

    private const int SurfaceKinds = 4;

    /// <summary>Creates a generator.</summary>
    /// <param name="seed">The seed; the same seed gives the same images.</param>
    public SyntheticPartGenerator(int seed) => Seed = seed;

    /// <summary>The supported defect classes, in their canonical order.</summary>
    public static IReadOnlyList<string> DefectClasses { get; } = [Good, Scratch, Dent, Stain, Hole];

    /// <summary>The seed.</summary>
    public int Seed { get; }

    /// <summary>Parses a comma-separated class list (<c>good,scratch,dent</c>) as given to <c>--classes</c>.</summary>
    /// <param name="classes">The list; names are trimmed and matched case-insensitively.</param>
    /// <returns>The canonical (lower-case) names, in the given order.</returns>
    /// <exception cref="InvalidSettingException">Empty list, unknown or repeated class.</exception>
    public static IReadOnlyList<string> ParseClasses(string classes)
    {
        ArgumentNullException.ThrowIfNull(classes);
        return ValidateClasses(classes.Split(',', StringSplitOptions.TrimEntries));
    }

    /// <summary>Checks a class list and returns the canonical names.</summary>
    /// <param name="classes">The class names.</param>
    /// <returns>The canonical (lower-case) names, in the given order.</returns>
    /// <exception cref="InvalidSettingException">Empty list, unknown or repeated class (setting <c>--classes</c>).</exception>
    public static IReadOnlyList<string> ValidateClasses(IEnumerable<string> classes)
    {
        ArgumentNullException.ThrowIfNull(classes);
        var result = new List<string>();
        foreach (var name in classes)
        {
            var canonical = Canonical(name);
            if (result.Contains(canonical))
            {
                throw new InvalidSettingException("--classes", $"class '{canonical}' is listed twice; list each class once.");
            }

            result.Add(canonical);
        }

        return result.Count == 0
            ? throw new InvalidSettingException("--classes", $"no class given; use some of {string.Join(",", DefectClasses)}.")
            : result;
    }

    /// <summary>Generates one image.</summary>
    /// <param name="defectClass">One of <see cref="DefectClasses"/> (case-insensitive).</param>
    /// <param name="index">The image number within the class (0, 1, …); each gives a different part.</param>
    /// <param name="size">The side of the square image in pixels (<see cref="MinSize"/>–<see cref="MaxSize"/>).</param>
    /// <returns>A new image; the caller disposes it.</returns>
    /// <exception cref="InvalidSettingException">Unknown class (<c>--classes</c>) or size out of range (<c>--size</c>).</exception>
    public Image<Rgb24> Generate(string defectClass, int index, int size)
    {
        CheckSize(size);
        var bytes = ArrayPool<byte>.Shared.Rent(size * size * 3);
        try
        {
            Generate(defectClass, index, size, bytes.AsSpan(0, size * size * 3));
            return Image.LoadPixelData<Rgb24>(bytes.AsSpan(0, size * size * 3), size, size);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
        }
    }

    /// <summary>Generates one image into a caller-supplied RGB24 buffer (rows top to bottom, no padding).</summary>
    /// <param name="defectClass">One of <see cref="DefectClasses"/> (case-insensitive).</param>
    /// <param name="index">The image number within the class.</param>
    /// <param name="size">The side of the square image in pixels.</param>
    /// <param name="destination">At least size × size × 3 bytes.</param>
    /// <exception cref="InvalidSettingException">Unknown class (<c>--classes</c>) or size out of range (<c>--size</c>).</exception>
    public void Generate(string defectClass, int index, int size, Span<byte> destination) =>
        GenerateCore(defectClass, index, size, destination, default, drawDefect: true, canvasCopy: default);

    /// <summary>
    /// Generates one image and its exact defect mask: 255 where the defect drawing changed the part by at
    /// least <see cref="MaskThreshold"/> grey levels in some channel (before lighting and sensor noise),
    /// 0 elsewhere. Harmless specks are drawn before the defect, so they are never in the mask; a good part
    /// has an all-zero mask. The image is byte-identical to the one <see cref="Generate(string, int, int, Span{byte})"/> writes.
    /// </summary>
    /// <param name="defectClass">One of <see cref="DefectClasses"/> (case-insensitive).</param>
    /// <param name="index">The image number within the class.</param>
    /// <param name="size">The side of the square image in pixels.</param>
    /// <param name="destination">At least size × size × 3 bytes.</param>
    /// <param name="mask">At least size × size bytes, one per pixel, row-major.</param>
    /// <exception cref="InvalidSettingException">Unknown class (<c>--classes</c>) or size out of range (<c>--size</c>).</exception>
    public void Generate(string defectClass, int index, int size, Span<byte> destination, Span<byte> mask)
    {
        CheckSize(size);
        ArgumentOutOfRangeException.ThrowIfLessThan(mask.Length, size * size, nameof(mask));
        GenerateCore(defectClass, index, size, destination, mask[..(size * size)], drawDefect: true, canvasCopy: default);
    }

    /// <summary>The smallest change, in grey levels of any channel, that puts a pixel in the defect mask.</summary>
    /// <remarks>Below it the defect's soft fall-off (a dent's far slope, a scratch's faded end) is invisible under the sensor noise.</remarks>
    public const float MaskThreshold = 8f;

    /// <summary>For tests: the float canvas before lighting and noise, with or without the defect, for the same seed.</summary>
    internal void RenderCanvas(string defectClass, int index, int size, bool drawDefect, Span<float> canvasCopy)
    {
        var bytes = new byte[size * size * 3];
        GenerateCore(defectClass, index, size, bytes, default, drawDefect, canvasCopy);
    }

    private void GenerateCore(string defectClass, int index, int size, Span<byte> destination, Span<byte> mask, bool drawDefect, Span<float> canvasCopy)
    {
        var canonical = Canonical(defectClass);
        CheckSize(size);
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, size * size * 3, nameof(destination));

        var pixels = size * size;
        var rgb = Canvases.Rent(pixels * 3);
        var cover = Canvases.Rent(pixels);
        var before = mask.IsEmpty ? null : Canvases.Rent(pixels * 3);
        try
        {
            var seed = SplitMix64.Mix(SplitMix64.Mix((ulong)(uint)Seed, SplitMix64.Hash(canonical)), (ulong)(uint)index);
            var canvas = new PartCanvas(rgb.AsSpan(0, pixels * 3), cover.AsSpan(0, pixels), size, size / ReferenceSize);
            var options = new RenderOptions(drawDefect, before is null ? default : before.AsSpan(0, pixels * 3), mask, canvasCopy);
            Render(ref canvas, canonical, seed, destination, options);
        }
        finally
        {
            Canvases.Return(rgb);
            Canvases.Return(cover);
            if (before is not null)
            {
                Canvases.Return(before);
            }
        }
    }

    private static string Canonical(string? name)
    {
        var trimmed = name?.Trim().ToLowerInvariant() ?? string.Empty;
        foreach (var known in DefectClasses)
        {
            if (known == trimmed)
            {
                return known;
            }
        }

        throw new InvalidSettingException(
            "--classes",
            $"'{name}' is not a synthetic defect class; use some of {string.Join(",", DefectClasses)}.");
    }

    private static void CheckSize(int size)
    {
        if (size is < MinSize or > MaxSize)
        {
            throw new InvalidSettingException("--size", $"{size} is out of range; use {MinSize} to {MaxSize} pixels (224 for ResNet18).");
        }
    }

    private static void Render(ref PartCanvas canvas, string defectClass, ulong seed, Span<byte> destination, RenderOptions options)
    {
        var rng = new SplitMix64(seed);

        // The global look is drawn first and identically for every class, so it carries no label information.
        var surface = (SurfaceKind)rng.NextInt(SurfaceKinds);
        var lightAngle = rng.Range(0f, MathF.Tau);
        Surfaces.Draw(ref canvas, surface, ref rng);
        Defects.DrawSpecks(ref canvas, ref rng);
        if (!options.Before.IsEmpty)
        {
            canvas.Rgb.CopyTo(options.Before);
        }

        switch (options.DrawDefect ? defectClass : Good)
        {
            case Scratch:
                Defects.DrawScratches(ref canvas, ref rng);
                break;
            case Dent:
                Defects.DrawDent(ref canvas, ref rng, lightAngle);
                break;
            case Stain:
                Defects.DrawStain(ref canvas, ref rng);
                break;
            case Hole:
                Defects.DrawHole(ref canvas, ref rng, lightAngle);
                break;
            default:
                break;
        }

        if (!options.Mask.IsEmpty)
        {
            WriteMask(canvas.Rgb, options.Before, options.Mask);
        }

        if (!options.CanvasCopy.IsEmpty)
        {
            canvas.Rgb.CopyTo(options.CanvasCopy);
        }

        Finish(ref canvas, ref rng, lightAngle, destination);
    }

    // The mask is what the defect drawing itself changed on this very canvas, so it is exact for the seed.
    private static void WriteMask(ReadOnlySpan<float> after, ReadOnlySpan<float> before, Span<byte> mask)
    {
        for (var p = 0; p < mask.Length; p++)
        {
            var i = p * 3;
            var change = MathF.Max(MathF.Abs(after[i] - before[i]), MathF.Max(MathF.Abs(after[i + 1] - before[i + 1]), MathF.Abs(after[i + 2] - before[i + 2])));
            mask[p] = change >= MaskThreshold ? (byte)255 : (byte)0;
        }
    }

    private readonly ref struct RenderOptions(bool drawDefect, Span<float> before, Span<byte> mask, Span<float> canvasCopy)
    {
        public bool DrawDefect { get; } = drawDefect;

        public Span<float> Before { get; } = before;

        public Span<byte> Mask { get; } = mask;

        public Span<float> CanvasCopy { get; } = canvasCopy;
    }

    // Lighting gradient and vignette (multiplicative), the defect's mean change spread back, sensor noise.
    private static void Finish(ref PartCanvas canvas, ref SplitMix64 rng, float lightAngle, Span<byte> destination)
    {
        var size = canvas.Size;
        var exposure = rng.Range(0.88f, 1.1f);
        var gradient = rng.Range(0f, 0.35f);
        var vignette = rng.Range(0f, 0.18f);
        var sigma = rng.Range(1.5f, 5f);
        var lx = MathF.Cos(lightAngle) * gradient / size;
        var ly = MathF.Sin(lightAngle) * gradient / size;
        var half = (size - 1) * 0.5f;
        var invR2 = 2f / (size * size);

        var (cr, cg, cb) = canvas.MeanCompensation();
        var rgb = canvas.Rgb;
        for (var y = 0; y < size; y++)
        {
            var dy = y - half;
            for (var x = 0; x < size; x++)
            {
                var dx = x - half;
                var light = exposure * (1f + (dx * lx) + (dy * ly)) * (1f - (vignette * ((dx * dx) + (dy * dy)) * invR2));
                var i = ((y * size) + x) * 3;
                destination[i] = ToByte(((rgb[i] + cr) * light) + (sigma * rng.NextGaussian()));
                destination[i + 1] = ToByte(((rgb[i + 1] + cg) * light) + (sigma * rng.NextGaussian()));
                destination[i + 2] = ToByte(((rgb[i + 2] + cb) * light) + (sigma * rng.NextGaussian()));
            }
        }
    }

    private static byte ToByte(float v) => (byte)Math.Clamp((int)(v + 0.5f), 0, 255);
}
