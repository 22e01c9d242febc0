using EdgeTransfer.Artifacts.Randomness;

namespace EdgeTransfer.Imaging.Augmentation;

/// <summary>
/// Renders the augmented views of an RGB24 frame (<see cref="AugmentationOptions"/>): view i is a crop of
/// (1 − crop) of each side at a position drawn from (seed, i), mirrored for even i when flipping is on, with every
/// byte scaled by one brightness factor drawn from (seed, i). The same frame, seed and options give the same views, so
/// an augmented sample can be reproduced from its frame.
/// </summary>
/// <remarks>
/// A view is written at its own (cropped) size; the preprocessor then resizes it to the model's input as it does any
/// frame, so a crop acts as a small zoom and shift. One pass over the cropped pixels per view, through a 256-entry table
/// for the brightness; no allocation beyond the caller's buffer.
/// </remarks>
public sealed class FrameAugmenter
{
    private readonly AugmentationOptions _options;
    private readonly byte[] _table = new byte[256];

    /// <summary>Creates an augmenter.</summary>
    /// <param name="options">Views, flip, crop and brightness; checked here.</param>
    /// <exception cref="ArgumentException">An option is out of range (named in the message).</exception>
    public FrameAugmenter(AugmentationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.FindProblem() is { } problem)
        {
            throw new ArgumentException($"Augmentation option '{problem.Property}' is not valid: {problem.Reason}.", nameof(options));
        }

        _options = options;
    }

    /// <summary>The number of views per frame.</summary>
    public int Views => _options.Views;

    /// <summary>The size of every view of a <paramref name="width"/> × <paramref name="height"/> frame (at least 1 × 1).</summary>
    /// <param name="width">The frame width.</param>
    /// <param name="height">The frame height.</param>
    public (int Width, int Height) ViewSize(int width, int height) =>
        (Math.Max(1, (int)Math.Round(width * (1 - _options.Crop))), Math.Max(1, (int)Math.Round(height * (1 - _options.Crop))));

    /// <summary>Writes view <paramref name="index"/> of a frame into <paramref name="destination"/> (packed rows, stride = width × 3).</summary>
    /// <param name="rgb24">The frame's pixels, R,G,B bytes, rows top to bottom.</param>
    /// <param name="width">The frame width.</param>
    /// <param name="height">The frame height.</param>
    /// <param name="stride">Bytes from one row of the frame to the next.</param>
    /// <param name="index">The view, 0 to <see cref="Views"/> − 1.</param>
    /// <param name="seed">The frame's seed (e.g. from its id): views of different frames differ.</param>
    /// <param name="destination">At least <see cref="ViewSize"/> width × height × 3 bytes.</param>
    /// <returns>The size of the view written.</returns>
    public (int Width, int Height) Render(ReadOnlySpan<byte> rgb24, int width, int height, int stride, int index, ulong seed, Span<byte> destination)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfLessThan(stride, width * 3);
        ArgumentOutOfRangeException.ThrowIfLessThan(rgb24.Length, ((height - 1) * stride) + (width * 3), nameof(rgb24));
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Views);
        var (w, h) = ViewSize(width, height);
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, w * h * 3, nameof(destination));

        var rng = new SplitMix64(SplitMix64.Mix(seed, (ulong)index + 1));
        var x0 = rng.NextInt(width - w + 1);
        var y0 = rng.NextInt(height - h + 1);
        var factor = 1 + rng.Range((float)-_options.Brightness, (float)_options.Brightness);
        var flip = _options.Flip && index % 2 == 0;
        for (var v = 0; v < 256; v++)
        {
            _table[v] = (byte)Math.Clamp((int)MathF.Round(v * factor), 0, 255);
        }

        for (var y = 0; y < h; y++)
        {
            var source = rgb24.Slice(((y0 + y) * stride) + (x0 * 3), w * 3);
            var target = destination.Slice(y * w * 3, w * 3);
            for (var x = 0; x < w; x++)
            {
                var s = (flip ? w - 1 - x : x) * 3;
                target[x * 3] = _table[source[s]];
                target[(x * 3) + 1] = _table[source[s + 1]];
                target[(x * 3) + 2] = _table[source[s + 2]];
            }
        }

        return (w, h);
    }
}
