namespace EdgeTransfer.Runtime.Storage;

/// <summary>
/// The sample store cannot be used as asked: it was made for another feature size, class list or
/// backbone, it is locked by another process, or the disk refused a write.
/// </summary>
/// <remarks>Samples already on the disk are never deleted because of this error.</remarks>
public sealed class SampleStoreException : EdgeTransferException
{
    /// <summary>Creates the error.</summary>
    /// <param name="storePath">The store directory.</param>
    /// <param name="reason">What is wrong and what to do, as a sentence.</param>
    /// <param name="innerException">The I/O error behind it, if any.</param>
    public SampleStoreException(string storePath, string reason, Exception? innerException = null)
        : base($"Sample store '{storePath}': {reason}", innerException)
    {
        StorePath = storePath;
        Reason = reason;
    }

    /// <summary>The store directory.</summary>
    public string StorePath { get; }

    /// <summary>What is wrong and what to do.</summary>
    public string Reason { get; }
}
