using System.Collections.Concurrent;
using EdgeTransfer.Runtime.Capture;

namespace EdgeTransfer.Runtime.Devices.Tests.Support;

/// <summary>
/// Stands for the V4L2 device behind <see cref="V4l2CameraSource"/>: its capture loop delivers the raw
/// frames the test pushes, and throws when the test "unplugs" it.
/// </summary>
internal sealed class ScriptedCamera : ICameraDevice
{
    private readonly BlockingCollection<byte[]?> _frames = [];

    public string DevicePath => "/dev/video7";

    public bool Disposed { get; private set; }

    public int Delivered { get; private set; }

    public void Push(byte[] frame) => _frames.Add(frame);

    public void Unplug() => _frames.Add(null);

    public void RunCapture(CameraFrameCallback onFrame, CancellationToken cancellationToken)
    {
        while (true)
        {
            var frame = _frames.Take(cancellationToken);
            if (frame is null)
            {
                throw new IOException("No such device (ENODEV).");
            }

            onFrame(frame);
            Delivered++;
        }
    }

    public void Dispose()
    {
        Disposed = true;
        _frames.Dispose();
    }
}
