namespace EdgeTransfer.Runtime.Anomaly;

/// <summary>
/// The image-plane operations of the anomaly model, on planes stored row after row: a 3×3 neighbourhood
/// mean, bilinear resampling and a Gaussian blur. One home for the embedder and the map renderer.
/// </summary>
internal static class GridFilters
{
    /// <summary>
    /// The mean of each position's 3×3 neighbourhood. At the border only the neighbours inside the plane
    /// count (a zero-padded sum would darken the border patches and make them look unlike the centre ones).
    /// </summary>
    public static void BoxMean3x3(ReadOnlySpan<float> source, int height, int width, Span<float> destination)
    {
        for (var y = 0; y < height; y++)
        {
            var y0 = Math.Max(0, y - 1);
            var y1 = Math.Min(height - 1, y + 1);
            for (var x = 0; x < width; x++)
            {
                var x0 = Math.Max(0, x - 1);
                var x1 = Math.Min(width - 1, x + 1);
                var sum = 0f;
                for (var yy = y0; yy <= y1; yy++)
                {
                    var row = source.Slice(yy * width, width);
                    for (var xx = x0; xx <= x1; xx++)
                    {
                        sum += row[xx];
                    }
                }

                destination[(y * width) + x] = sum / ((y1 - y0 + 1) * (x1 - x0 + 1));
            }
        }
    }

    /// <summary>
    /// Bilinear resampling with pixel centres aligned as PyTorch's <c>interpolate(align_corners=False)</c>
    /// does, so that maps line up with the image the way the published PatchCore maps do.
    /// </summary>
    public static void Bilinear(ReadOnlySpan<float> source, int height, int width, Span<float> destination, int outHeight, int outWidth)
    {
        var scaleY = (float)height / outHeight;
        var scaleX = (float)width / outWidth;
        Span<int> xLow = outWidth <= 1024 ? stackalloc int[outWidth] : new int[outWidth];
        Span<float> xWeight = outWidth <= 1024 ? stackalloc float[outWidth] : new float[outWidth];
        for (var x = 0; x < outWidth; x++)
        {
            (xLow[x], xWeight[x]) = SourcePosition(x, scaleX, width);
        }

        for (var y = 0; y < outHeight; y++)
        {
            var (y0, wy) = SourcePosition(y, scaleY, height);
            var y1 = Math.Min(y0 + 1, height - 1);
            var row0 = source.Slice(y0 * width, width);
            var row1 = source.Slice(y1 * width, width);
            var target = destination.Slice(y * outWidth, outWidth);
            for (var x = 0; x < outWidth; x++)
            {
                var x0 = xLow[x];
                var x1 = Math.Min(x0 + 1, width - 1);
                var wx = xWeight[x];
                var top = row0[x0] + ((row0[x1] - row0[x0]) * wx);
                var bottom = row1[x0] + ((row1[x1] - row1[x0]) * wx);
                target[x] = top + ((bottom - top) * wy);
            }
        }
    }

    /// <summary>A separable Gaussian blur, truncated at 4σ, with the border replicated (as anomalib's blur).</summary>
    public static void GaussianBlur(Span<float> plane, int height, int width, float sigma)
    {
        if (sigma <= 0)
        {
            return;
        }

        var radius = Math.Max(1, (int)MathF.Ceiling(4 * sigma));
        var kernel = new float[(2 * radius) + 1];
        var total = 0f;
        for (var i = -radius; i <= radius; i++)
        {
            kernel[i + radius] = MathF.Exp(-(i * i) / (2 * sigma * sigma));
            total += kernel[i + radius];
        }

        for (var i = 0; i < kernel.Length; i++)
        {
            kernel[i] /= total;
        }

        var line = new float[Math.Max(height, width)];
        for (var y = 0; y < height; y++)
        {
            var row = plane.Slice(y * width, width);
            row.CopyTo(line);
            for (var x = 0; x < width; x++)
            {
                row[x] = Convolve(line, width, x, kernel, radius);
            }
        }

        var column = new float[height];
        for (var x = 0; x < width; x++)
        {
            for (var y = 0; y < height; y++)
            {
                column[y] = plane[(y * width) + x];
            }

            for (var y = 0; y < height; y++)
            {
                plane[(y * width) + x] = Convolve(column, height, y, kernel, radius);
            }
        }
    }

    private static float Convolve(float[] line, int length, int at, float[] kernel, int radius)
    {
        var sum = 0f;
        for (var k = -radius; k <= radius; k++)
        {
            sum += kernel[k + radius] * line[Math.Clamp(at + k, 0, length - 1)];
        }

        return sum;
    }

    private static (int Low, float Weight) SourcePosition(int index, float scale, int size)
    {
        var position = Math.Max(0f, ((index + 0.5f) * scale) - 0.5f);
        var low = Math.Min((int)position, size - 1);
        return (low, position - low);
    }
}
