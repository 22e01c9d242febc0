namespace EdgeTransfer;

/// <summary>
/// One image (a file, a camera frame, a payload) cannot be used: an unsupported format, a corrupt or
/// truncated file, or a size beyond the configured limits. The error is about that image only.
/// </summary>
public sealed class ImageDecodeException : EdgeTransferException
{
    /// <summary>Creates the error.</summary>
    /// <param name="sourceName">The file path or frame name the bytes came from.</param>
    /// <param name="reason">Why the image was rejected, as a sentence (expected and actual values included).</param>
    /// <param name="innerException">The decoder or I/O error behind it, if any.</param>
    public ImageDecodeException(string sourceName, string reason, Exception? innerException = null)
        : base($"Image '{sourceName}' cannot be used: {reason}", innerException)
    {
        SourceName = sourceName;
        Reason = reason;
    }

    /// <summary>The file path or frame name the bytes came from.</summary>
    public string SourceName { get; }

    /// <summary>Why the image was rejected.</summary>
    public string Reason { get; }
}
