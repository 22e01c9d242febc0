namespace EdgeTransfer;

/// <summary>A training run was stopped: the loss became NaN or exploded, the data cannot train a head, …</summary>
/// <remarks>The head in service is never changed by a run that ends with this error.</remarks>
public sealed class TrainingException : EdgeTransferException
{
    /// <summary>Creates the error.</summary>
    /// <param name="message">What happened and what to do.</param>
    /// <param name="innerException">The runtime error behind it, if any.</param>
    public TrainingException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
