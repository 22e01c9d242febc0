namespace EdgeTransfer.Runtime.Capture;

/// <summary>A frame was read but could not be used (corrupt, truncated, wrong size); the source moved on.</summary>
public sealed class FrameSkippedEventArgs : EventArgs
{
    /// <summary>Creates the event data.</summary>
    /// <param name="sourceName">The source.</param>
    /// <param name="origin">The file or device the frame came from.</param>
    /// <param name="reason">Why it was skipped, as a sentence.</param>
    /// <param name="timestamp">When.</param>
    /// <param name="exception">The error behind it, if any.</param>
    public FrameSkippedEventArgs(string sourceName, string origin, string reason, DateTimeOffset timestamp, Exception? exception = null)
    {
        SourceName = sourceName;
        Origin = origin;
        Reason = reason;
        Timestamp = timestamp;
        Exception = exception;
    }

    /// <summary>The source.</summary>
    public string SourceName { get; }

    /// <summary>The file or device the frame came from.</summary>
    public string Origin { get; }

    /// <summary>Why it was skipped.</summary>
    public string Reason { get; }

    /// <summary>When.</summary>
    public DateTimeOffset Timestamp { get; }

    /// <summary>The error behind it (usually an <see cref="ImageDecodeException"/>), if any.</summary>
    public Exception? Exception { get; }
}
