namespace EdgeTransfer.Runtime.Inspection;

/// <summary>What went wrong with one frame or one step of the loop; each is counted and the loop goes on.</summary>
public enum InspectionErrorKind
{
    /// <summary>The frame could not be used: corrupt or truncated encoded data, or pixels that do not match its size.</summary>
    CorruptFrame,

    /// <summary>The source read a frame it could not use and skipped it (its <c>FrameSkipped</c> event).</summary>
    SkippedFrame,

    /// <summary>The source could not deliver a frame (device gone); the loop waits and asks again.</summary>
    Capture,

    /// <summary>ONNX Runtime failed on the frame.</summary>
    Inference,

    /// <summary>The reject output failed or its queue was full: a rejected part may have passed.</summary>
    Reject,

    /// <summary>A subscriber of a loop event threw; the loop itself was not affected.</summary>
    Subscriber,
}
