namespace EdgeTransfer;

/// <summary>A model file cannot be used: missing, empty, truncated, not ONNX, or not a valid graph.</summary>
public sealed class ModelFormatException : EdgeTransferException
{
    /// <summary>Creates the error for <paramref name="modelPath"/>.</summary>
    /// <param name="modelPath">The model file (or in-memory model name) that was rejected.</param>
    /// <param name="reason">Why it was rejected, as a sentence.</param>
    /// <param name="innerException">The parser or runtime error behind it, if any.</param>
    public ModelFormatException(string modelPath, string reason, Exception? innerException = null)
        : base($"Model '{modelPath}' cannot be used: {reason}", innerException)
    {
        ModelPath = modelPath;
        Reason = reason;
    }

    /// <summary>The model file (or in-memory model name) that was rejected.</summary>
    public string ModelPath { get; }

    /// <summary>Why the model was rejected.</summary>
    public string Reason { get; }
}
