namespace EdgeTransfer.Runtime.Capture;

/// <summary>
/// A frame source cannot deliver frames: the camera is gone or stalled, the folder holds no usable image,
/// the retry limit was reached. <see cref="IsTransient"/> tells whether reopening the source may help.
/// </summary>
public sealed class CaptureException : EdgeTransferException
{
    /// <summary>Creates the error.</summary>
    /// <param name="sourceName">The source (name and device path or folder).</param>
    /// <param name="reason">What happened and what to do, as a sentence.</param>
    /// <param name="isTransient">True when reopening the source may help (unplugged, stalled).</param>
    /// <param name="innerException">The device or I/O error behind it.</param>
    public CaptureException(string sourceName, string reason, bool isTransient, Exception? innerException = null)
        : base($"Frame source '{sourceName}' cannot deliver frames: {reason}", innerException)
    {
        SourceName = sourceName;
        Reason = reason;
        IsTransient = isTransient;
    }

    /// <summary>The source.</summary>
    public string SourceName { get; }

    /// <summary>What happened.</summary>
    public string Reason { get; }

    /// <summary>True when reopening the source may help.</summary>
    public bool IsTransient { get; }
}
