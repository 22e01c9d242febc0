using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace EdgeTransfer.Imaging.Datasets;

/// <summary>A decoded test image of an MVTec AD category with its mask at the requested size. Owns the image.</summary>
public sealed class MvtecSample : IDisposable
{
    /// <summary>Creates the sample; the image is owned from now on.</summary>
    /// <param name="entry">The file, its defect kind and mask path.</param>
    /// <param name="image">The decoded image.</param>
    /// <param name="mask">The mask, one byte per pixel (0 or 1), row-major; all zero for a good part.</param>
    public MvtecSample(MvtecEntry entry, Image<Rgb24> image, byte[] mask)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(mask);
        Entry = entry;
        Image = image;
        Mask = mask;
    }

    /// <summary>The file, its defect kind and mask path.</summary>
    public MvtecEntry Entry { get; }

    /// <summary>The decoded image (disposed with this object).</summary>
    public Image<Rgb24> Image { get; }

    /// <summary>The mask, one byte per pixel (0 or 1), row-major; all zero for a good part.</summary>
    public ReadOnlyMemory<byte> Mask { get; }

    /// <inheritdoc />
    public void Dispose() => Image.Dispose();
}
