namespace EdgeTransfer.Synthetic;

/// <summary>The float RGB work image of one generated part, with the running colour change of the defects.</summary>
internal ref struct PartCanvas
{
    public PartCanvas(Span<float> rgb, Span<float> cover, int size, float scale)
    {
        Rgb = rgb;
        Cover = cover;
        Size = size;
        Scale = scale;
    }

    /// <summary>Interleaved RGB, 0–255 scale, row-major.</summary>
    public Span<float> Rgb { get; }

    /// <summary>One float per pixel, for coverage masks (cleared by whoever uses it).</summary>
    public Span<float> Cover { get; }

    /// <summary>The side in pixels.</summary>
    public int Size { get; }

    /// <summary>Pixels per reference pixel (size / 224): texture and defect sizes scale with the image.</summary>
    public float Scale { get; }

    private double _deltaR;
    private double _deltaG;
    private double _deltaB;

    /// <summary>Sets pixel <paramref name="p"/> (pixel index, not byte index) and records the change.</summary>
    public void Set(int p, float r, float g, float b)
    {
        var i = p * 3;
        _deltaR += r - Rgb[i];
        _deltaG += g - Rgb[i + 1];
        _deltaB += b - Rgb[i + 2];
        Rgb[i] = r;
        Rgb[i + 1] = g;
        Rgb[i + 2] = b;
    }

    /// <summary>The per-channel offset that cancels the mean colour change of everything drawn with <see cref="Set"/>.</summary>
    public readonly (float R, float G, float B) MeanCompensation()
    {
        var n = (double)Size * Size;
        return ((float)(-_deltaR / n), (float)(-_deltaG / n), (float)(-_deltaB / n));
    }

    /// <summary>Clamps a rectangle to the image.</summary>
    public readonly (int X0, int Y0, int X1, int Y1) Clip(float cx, float cy, float radius)
    {
        var x0 = Math.Max(0, (int)MathF.Floor(cx - radius));
        var y0 = Math.Max(0, (int)MathF.Floor(cy - radius));
        var x1 = Math.Min(Size - 1, (int)MathF.Ceiling(cx + radius));
        var y1 = Math.Min(Size - 1, (int)MathF.Ceiling(cy + radius));
        return (x0, y0, x1, y1);
    }
}
