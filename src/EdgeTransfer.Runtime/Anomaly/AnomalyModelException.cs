namespace EdgeTransfer.Runtime.Anomaly;

/// <summary>An anomaly model file cannot be used: missing, too large, truncated, changed after it was written, or of another format.</summary>
/// <remarks>Nothing of a rejected file is used; a caller keeps the model it had.</remarks>
public sealed class AnomalyModelException : EdgeTransferException
{
    /// <summary>Creates the error.</summary>
    /// <param name="modelPath">The model file that was rejected.</param>
    /// <param name="reason">Why, as a sentence (expected and actual values included).</param>
    /// <param name="innerException">The I/O or container error behind it, if any.</param>
    public AnomalyModelException(string modelPath, string reason, Exception? innerException = null)
        : base($"Anomaly model '{modelPath}' cannot be used: {reason}", innerException)
    {
        ModelPath = modelPath;
        Reason = reason;
    }

    /// <summary>The model file that was rejected.</summary>
    public string ModelPath { get; }

    /// <summary>Why the file was rejected.</summary>
    public string Reason { get; }
}
