namespace EdgeTransfer.Imaging.Preprocessing;

/// <summary>
/// Precomputed taps of a one-dimensional triangle ("bilinear") filter from a source axis to an output
/// axis, with an optional crop offset. Built once per (source length, geometry) and reused per frame.
/// </summary>
/// <remarks>
/// Pixel centres sit at i + 0.5 (the half-pixel convention of PIL, torchvision and ONNX Resize). When
/// enlarging, the filter is plain two-tap bilinear; when shrinking by a factor s it is widened to ±s
/// source pixels, so every source pixel contributes (antialiased, as PIL's and torchvision's bilinear
/// resize): thin scratches do not vanish between the taps of a 640 → 224 reduction.
/// </remarks>
internal sealed class ResampleTable
{
    private ResampleTable(int[] start, int[] count, float[] weights, int taps)
    {
        Start = start;
        Count = count;
        Weights = weights;
        Taps = taps;
    }

    /// <summary>The first source index of each output index.</summary>
    public int[] Start { get; }

    /// <summary>The number of source taps of each output index.</summary>
    public int[] Count { get; }

    /// <summary>The normalised weights, <see cref="Taps"/> per output index.</summary>
    public float[] Weights { get; }

    /// <summary>The stride of <see cref="Weights"/>.</summary>
    public int Taps { get; }

    /// <summary>The smallest source index used.</summary>
    public int First => Start[0];

    /// <summary>One past the largest source index used.</summary>
    public int End => Start[^1] + Count[^1];

    /// <summary>Builds the table.</summary>
    /// <param name="sourceLength">Source pixels along the axis.</param>
    /// <param name="resizedLength">The length of the (virtual) resized axis.</param>
    /// <param name="offset">The crop offset on the resized axis.</param>
    /// <param name="outputLength">Output pixels (the crop length).</param>
    public static ResampleTable Create(int sourceLength, int resizedLength, int offset, int outputLength)
    {
        var scale = (double)sourceLength / resizedLength;
        var filterScale = Math.Max(scale, 1.0);
        var support = filterScale; // the triangle's half-width is 1 output pixel, in source pixels
        var taps = (int)Math.Ceiling(support) * 2 + 1;
        var start = new int[outputLength];
        var count = new int[outputLength];
        var weights = new float[outputLength * taps];
        var w = new double[taps];
        for (var i = 0; i < outputLength; i++)
        {
            var centre = (i + offset + 0.5) * scale;
            var first = Math.Max(0, (int)Math.Floor(centre - support));
            var end = Math.Min(sourceLength, (int)Math.Ceiling(centre + support));
            var sum = 0.0;
            var n = 0;
            for (var j = first; j < end && n < taps; j++)
            {
                var x = Math.Abs((j + 0.5 - centre) / filterScale);
                var v = x < 1.0 ? 1.0 - x : 0.0;
                w[n++] = v;
                sum += v;
            }

            // Trim zero-weight taps at both ends (exact hits on pixel centres), so that an identity
            // resize reads exactly one pixel with weight 1.
            var lead = 0;
            while (lead < n - 1 && w[lead] == 0.0)
            {
                lead++;
            }

            while (n - 1 > lead && w[n - 1] == 0.0)
            {
                n--;
            }

            if (sum <= 0.0)
            {
                // Cannot happen for valid geometry; fall back to the nearest pixel rather than divide by zero.
                lead = 0;
                n = 1;
                w[0] = 1.0;
                sum = 1.0;
                first = Math.Clamp((int)centre, 0, sourceLength - 1);
            }

            start[i] = first + lead;
            count[i] = n - lead;
            for (var k = lead; k < n; k++)
            {
                weights[(i * taps) + k - lead] = (float)(w[k] / sum);
            }
        }

        return new ResampleTable(start, count, weights, taps);
    }
}
