namespace EdgeTransfer;

/// <summary>An image folder cannot be used as a data set: it is missing, empty, or none of its images can be read.</summary>
public sealed class ImageDatasetException : EdgeTransferException
{
    /// <summary>Creates the error.</summary>
    /// <param name="folder">The data set folder.</param>
    /// <param name="reason">Why the folder cannot be used, as a sentence.</param>
    /// <param name="innerException">The I/O error behind it, if any.</param>
    public ImageDatasetException(string folder, string reason, Exception? innerException = null)
        : base($"Image folder '{folder}' cannot be used: {reason}", innerException)
    {
        Folder = folder;
        Reason = reason;
    }

    /// <summary>The data set folder.</summary>
    public string Folder { get; }

    /// <summary>Why the folder cannot be used.</summary>
    public string Reason { get; }
}
