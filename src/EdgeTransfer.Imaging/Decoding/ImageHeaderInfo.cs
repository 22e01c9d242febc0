namespace EdgeTransfer.Imaging.Decoding;

/// <summary>What an image's header declares, read before any pixel data is decoded.</summary>
/// <param name="Format">The format recognised from the content.</param>
/// <param name="Width">The declared width in pixels.</param>
/// <param name="Height">The declared height in pixels.</param>
public readonly record struct ImageHeaderInfo(ImageFileFormat Format, int Width, int Height)
{
    /// <summary>The declared pixel count (width × height).</summary>
    public long PixelCount => (long)Width * Height;
}
