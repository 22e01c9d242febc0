using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace EdgeTransfer.Imaging.Datasets;

/// <summary>A decoded image of a data set with its entry (path and class). Owns the image.</summary>
public sealed class LabeledImage : IDisposable
{
    /// <summary>Creates the pair; the image is owned from now on.</summary>
    /// <param name="entry">The file and its class.</param>
    /// <param name="image">The decoded image.</param>
    public LabeledImage(ImageFolderEntry entry, Image<Rgb24> image)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(image);
        Entry = entry;
        Image = image;
    }

    /// <summary>The file and its class.</summary>
    public ImageFolderEntry Entry { get; }

    /// <summary>The decoded image (disposed with this object).</summary>
    public Image<Rgb24> Image { get; }

    /// <inheritdoc />
    public void Dispose() => Image.Dispose();
}
