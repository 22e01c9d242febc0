namespace EdgeTransfer.Runtime.Capture;

/// <summary>
/// Where inspection frames come from: a V4L2 camera, a replayed image folder, a synthetic line, or any of
/// them behind a <see cref="ResilientFrameSource"/>. One consumer calls <see cref="CaptureAsync"/> at a time.
/// </summary>
/// <remarks>
/// A returned <see cref="Frame"/> points into a buffer that the source reuses: its pixels are valid until
/// the next <see cref="CaptureAsync"/> call or until the source is disposed. Copy them to keep them.
/// A frame that cannot be used (a corrupt file, a broken MJPEG frame) is reported through
/// <see cref="FrameSkipped"/> and the source moves on to the next one; it is never thrown.
/// </remarks>
public interface IFrameSource : IAsyncDisposable
{
    /// <summary>The name of the source in status reports and frame records (<c>camera0</c>, <c>replay</c>, …).</summary>
    string Name { get; }

    /// <summary>The current status (online, reconnecting, failed), for the status report.</summary>
    SourceStatus Status { get; }

    /// <summary>Raised whenever <see cref="Status"/> changes; handlers run on the capturing thread and must be quick.</summary>
    event EventHandler<SourceStatusChangedEventArgs>? StatusChanged;

    /// <summary>Raised for each frame that was read but could not be used; the source goes on with the next one.</summary>
    event EventHandler<FrameSkippedEventArgs>? FrameSkipped;

    /// <summary>Captures the next frame.</summary>
    /// <param name="cancellationToken">Stops the wait.</param>
    /// <returns>The frame, or null when a finite source has no more frames.</returns>
    /// <exception cref="CaptureException">The source cannot deliver frames (device gone, folder unusable).</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    ValueTask<Frame?> CaptureAsync(CancellationToken cancellationToken = default);
}
