namespace EdgeTransfer;

/// <summary>A checkpoint file cannot be used: missing, truncated, changed after it was written, or of another format.</summary>
/// <remarks>A reader that gets this error keeps the head it had; nothing of a damaged checkpoint is used.</remarks>
public sealed class CheckpointException : EdgeTransferException
{
    /// <summary>Creates the error for <paramref name="checkpointPath"/>.</summary>
    /// <param name="checkpointPath">The checkpoint file (or stream name) that was rejected.</param>
    /// <param name="reason">Why it was rejected, as a sentence (expected and actual values included).</param>
    /// <param name="innerException">The I/O or parse error behind it, if any.</param>
    public CheckpointException(string checkpointPath, string reason, Exception? innerException = null)
        : base($"Checkpoint '{checkpointPath}' cannot be used: {reason}", innerException)
    {
        CheckpointPath = checkpointPath;
        Reason = reason;
    }

    /// <summary>The checkpoint file (or stream name) that was rejected.</summary>
    public string CheckpointPath { get; }

    /// <summary>Why the checkpoint was rejected.</summary>
    public string Reason { get; }
}
