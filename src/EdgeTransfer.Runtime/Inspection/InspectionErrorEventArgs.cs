namespace EdgeTransfer.Runtime.Inspection;

/// <summary>One error of the inspection loop (it went on with the next frame).</summary>
/// <param name="kind">What went wrong.</param>
/// <param name="frameId">The frame it concerns, or null.</param>
/// <param name="message">A sentence for the technician.</param>
/// <param name="exception">The error behind it, or null.</param>
public sealed class InspectionErrorEventArgs(InspectionErrorKind kind, long? frameId, string message, Exception? exception) : EventArgs
{
    /// <summary>What went wrong.</summary>
    public InspectionErrorKind Kind { get; } = kind;

    /// <summary>The frame it concerns, or null.</summary>
    public long? FrameId { get; } = frameId;

    /// <summary>A sentence for the technician.</summary>
    public string Message { get; } = message;

    /// <summary>The error behind it, or null.</summary>
    public Exception? Exception { get; } = exception;
}
