namespace EdgeTransfer.Imaging.Decoding;

/// <summary>The image formats the hardened decoder accepts, recognised by content (never by file extension).</summary>
public enum ImageFileFormat
{
    /// <summary>PNG (signature <c>89 50 4E 47 0D 0A 1A 0A</c>).</summary>
    Png,

    /// <summary>JPEG / JFIF / EXIF (starts with <c>FF D8 FF</c>).</summary>
    Jpeg,

    /// <summary>Windows bitmap (starts with <c>BM</c>).</summary>
    Bmp,
}
