namespace EdgeTransfer.Runtime.Capture;

/// <summary>Receives one raw frame from the camera; the bytes are valid only during the call.</summary>
internal delegate void CameraFrameCallback(ReadOnlySpan<byte> data);

/// <summary>
/// The device side of <see cref="V4l2CameraSource"/>: the V4L2 binding on Linux, a scripted camera in
/// tests. Internal because it exists to keep the frame handling testable without hardware.
/// </summary>
internal interface ICameraDevice : IDisposable
{
    /// <summary>The device path (as resolved), for messages.</summary>
    string DevicePath { get; }

    /// <summary>Streams frames to <paramref name="onFrame"/> until the token is cancelled; throws when the device fails.</summary>
    void RunCapture(CameraFrameCallback onFrame, CancellationToken cancellationToken);
}
