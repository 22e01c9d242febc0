using System.Buffers;
using System.Runtime.Versioning;
using Iot.Device.Media;

namespace EdgeTransfer.Runtime.Capture;

/// <summary>The Linux part: opening the device through the V4L2 binding.</summary>
public sealed partial class V4l2CameraSource
{
    /// <summary>
    /// Opens the camera: resolves the device path (udev links included), checks that the camera offers the
    /// requested format and size, and starts streaming.
    /// </summary>
    /// <param name="options">The device and format; validated here.</param>
    /// <param name="timeProvider">The clock for timestamps and the frame timeout; <see cref="TimeProvider.System"/> when null.</param>
    /// <returns>The streaming source; the caller owns (disposes) it.</returns>
    /// <exception cref="InvalidSettingException">A setting is bad, or the camera does not offer the format or size (the message lists what it offers).</exception>
    /// <exception cref="IOException">The device does not exist (yet) or cannot be opened: transient for a <see cref="ResilientFrameSource"/>.</exception>
    /// <exception cref="PlatformNotSupportedException">Not Linux.</exception>
    public static V4l2CameraSource Open(V4l2CameraOptions options, TimeProvider? timeProvider = null)
    {
        V4l2CameraOptionsValidator.Validate(options);
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException($"V4L2 cameras exist on Linux only; on this system use a folder replay or the synthetic line instead of '{options.DevicePath}'.");
        }

        return new V4l2CameraSource(options, VideoDeviceCamera.Open(options), timeProvider);
    }

    [SupportedOSPlatform("linux")]
    private sealed class VideoDeviceCamera : ICameraDevice
    {
        private readonly VideoDevice _device;
        private int _disposed;

        private VideoDeviceCamera(VideoDevice device, string devicePath)
        {
            _device = device;
            DevicePath = devicePath;
        }

        public string DevicePath { get; }

        public static VideoDeviceCamera Open(V4l2CameraOptions options)
        {
            // A udev link (/dev/v4l/by-id/…) is resolved at every open: a re-plugged camera may come back as another /dev/videoN.
            var resolved = ResolveDevicePath(options.DevicePath);
            if (!File.Exists(resolved))
            {
                throw new FileNotFoundException($"The video device '{options.DevicePath}' does not exist; is the camera plugged in?", resolved);
            }

            var busId = V4l2Negotiation.BusIdFromDevicePath(resolved, options.DevicePath);
            var device = VideoDevice.Create(V4l2Negotiation.CreateSettings(options, busId));
            try
            {
                V4l2Negotiation.CheckSupported(options, [.. device.GetSupportedPixelFormats()], device.GetPixelFormatResolutions);

                // The binding then hands out ArrayPool buffers that the consumer returns: no allocation per frame.
                device.ImageBufferPoolingEnabled = true;
                return new VideoDeviceCamera(device, resolved);
            }
            catch
            {
                device.Dispose();
                throw;
            }
        }

        public void RunCapture(CameraFrameCallback onFrame, CancellationToken cancellationToken)
        {
            void Handler(object sender, NewImageBufferReadyEventArgs e)
            {
                try
                {
                    onFrame(e.ImageBuffer.AsSpan(0, e.Length));
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(e.ImageBuffer);
                }
            }

            _device.NewImageBufferReady += Handler;
            try
            {
                _device.StartCaptureContinuous();
                _device.CaptureContinuous(cancellationToken);
            }
            finally
            {
                _device.NewImageBufferReady -= Handler;
                if (_device.IsOpen)
                {
                    _device.StopCaptureContinuous();
                }
            }
        }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                _device.Dispose();
            }
        }

        private static string ResolveDevicePath(string path)
        {
            try
            {
                return File.ResolveLinkTarget(path, returnFinalTarget: true)?.FullName ?? path;
            }
            catch (IOException)
            {
                // A dangling link (camera unplugged) resolves to nothing yet; the existence check reports it.
                return path;
            }
        }
    }
}
