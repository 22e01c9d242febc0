using EdgeTransfer.Imaging.Decoding;

namespace EdgeTransfer.Imaging.Datasets;

/// <summary>Reads MVTec AD ground-truth masks (binary images, 0 = good, non-zero = defect) at a requested size.</summary>
public static class MvtecMask
{
    /// <summary>
    /// Reads a mask, checks that it has its image's size, and resizes it to <paramref name="size"/> ×
    /// <paramref name="size"/> by nearest neighbour, so that it stays binary at any size (224, 28, …).
    /// </summary>
    /// <param name="maskPath">The mask file.</param>
    /// <param name="imageWidth">The width of the image the mask belongs to.</param>
    /// <param name="imageHeight">The height of the image the mask belongs to.</param>
    /// <param name="size">The side of the result.</param>
    /// <param name="decoder">The hardened decoder.</param>
    /// <returns>One byte per pixel, row-major: 1 where any channel of the mask is above 127, else 0.</returns>
    /// <exception cref="ImageDatasetException">The mask cannot be decoded, or its size differs from the image's (the mask is named).</exception>
    public static byte[] Load(string maskPath, int imageWidth, int imageHeight, int size, HardenedImageDecoder decoder)
    {
        ArgumentException.ThrowIfNullOrEmpty(maskPath);
        ArgumentNullException.ThrowIfNull(decoder);
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        var folder = Path.GetDirectoryName(Path.GetFullPath(maskPath)) ?? maskPath;
        SixLabors.ImageSharp.Image<SixLabors.ImageSharp.PixelFormats.Rgb24> mask;
        try
        {
            mask = decoder.DecodeFile(maskPath);
        }
        catch (ImageDecodeException ex)
        {
            throw new ImageDatasetException(folder, $"the mask '{maskPath}' cannot be read: {ex.Reason}", ex);
        }

        using (mask)
        {
            if (mask.Width != imageWidth || mask.Height != imageHeight)
            {
                throw new ImageDatasetException(
                    folder,
                    $"the mask '{maskPath}' is {mask.Width} × {mask.Height} pixels but its image is {imageWidth} × {imageHeight}; a mask must have its image's size.");
            }

            var result = new byte[size * size];
            mask.ProcessPixelRows(rows =>
            {
                for (var y = 0; y < size; y++)
                {
                    var row = rows.GetRowSpan(Nearest(y, size, mask.Height));
                    for (var x = 0; x < size; x++)
                    {
                        var p = row[Nearest(x, size, mask.Width)];
                        result[(y * size) + x] = p.R > 127 || p.G > 127 || p.B > 127 ? (byte)1 : (byte)0;
                    }
                }
            });
            return result;
        }
    }

    // The source pixel whose centre is nearest the destination pixel's centre.
    private static int Nearest(int i, int size, int source) => Math.Min(source - 1, (int)(((i + 0.5) * source) / size));
}
