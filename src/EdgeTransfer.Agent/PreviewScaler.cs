namespace EdgeTransfer.Agent;

/// <summary>
/// Scales the pipeline's RGB24 thumbnail to the size a <c>preview</c> asks for, by area averaging: each output pixel is
/// the mean of the source area it covers, weighted by overlap. The same filter serves both directions (shrinking
/// averages, enlarging repeats with blended edges), and a picture this small costs microseconds.
/// </summary>
internal static class PreviewScaler
{
    /// <summary>The output size whose longer side is <paramref name="size"/> and whose shorter side keeps the source's aspect ratio (at least 1).</summary>
    public static (int Width, int Height) Fit(int width, int height, int size)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        if (width >= height)
        {
            return (size, Math.Max(1, (int)Math.Round((double)size * height / width, MidpointRounding.AwayFromZero)));
        }

        return (Math.Max(1, (int)Math.Round((double)size * width / height, MidpointRounding.AwayFromZero)), size);
    }

    /// <summary>Resamples <paramref name="rgb"/> (<paramref name="width"/> × <paramref name="height"/>, RGB24, no padding) to <paramref name="outWidth"/> × <paramref name="outHeight"/>.</summary>
    public static byte[] Resample(ReadOnlySpan<byte> rgb, int width, int height, int outWidth, int outHeight)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(outWidth, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(outHeight, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(rgb.Length, width * height * 3);

        var columns = Footprints(width, outWidth);
        var rows = Footprints(height, outHeight);
        var output = new byte[outWidth * outHeight * 3];
        Span<double> sum = stackalloc double[3];
        for (var y = 0; y < outHeight; y++)
        {
            var (firstRow, rowWeights) = rows[y];
            for (var x = 0; x < outWidth; x++)
            {
                var (firstColumn, columnWeights) = columns[x];
                sum.Clear();
                var total = 0.0;
                for (var j = 0; j < rowWeights.Length; j++)
                {
                    var line = rgb.Slice((firstRow + j) * width * 3, width * 3);
                    for (var i = 0; i < columnWeights.Length; i++)
                    {
                        var weight = rowWeights[j] * columnWeights[i];
                        var p = (firstColumn + i) * 3;
                        sum[0] += weight * line[p];
                        sum[1] += weight * line[p + 1];
                        sum[2] += weight * line[p + 2];
                        total += weight;
                    }
                }

                var o = ((y * outWidth) + x) * 3;
                for (var c = 0; c < 3; c++)
                {
                    output[o + c] = (byte)Math.Clamp((int)((sum[c] / total) + 0.5), 0, 255);
                }
            }
        }

        return output;
    }

    // For each output index along one axis: the first source index it covers and the overlap with each source pixel
    // from there on. Output pixel d covers source [d·n/m, (d+1)·n/m).
    private static (int First, double[] Weights)[] Footprints(int sourceLength, int outputLength)
    {
        var footprints = new (int, double[])[outputLength];
        var scale = (double)sourceLength / outputLength;
        for (var d = 0; d < outputLength; d++)
        {
            var start = d * scale;
            var end = Math.Min(sourceLength, (d + 1) * scale);
            var first = Math.Min(sourceLength - 1, (int)Math.Floor(start));
            // The epsilon keeps a floating-point end of 3.0000000001 from adding a fourth pixel with no weight.
            var last = Math.Max(first, Math.Min(sourceLength - 1, (int)Math.Ceiling(end - 1e-9) - 1));
            var weights = new double[last - first + 1];
            for (var s = first; s <= last; s++)
            {
                weights[s - first] = Math.Max(0, Math.Min(end, s + 1) - Math.Max(start, s));
            }

            // Should rounding leave every weight at zero, the nearest pixel stands in.
            if (weights.Sum() <= 0)
            {
                weights[0] = 1;
            }

            footprints[d] = (first, weights);
        }

        return footprints;
    }
}
