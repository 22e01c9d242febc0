using EdgeTransfer.Imaging.Decoding;

namespace EdgeTransfer.Runtime.Capture;

/// <summary>Settings of a <see cref="V4l2CameraSource"/>; checked by <see cref="V4l2CameraOptionsValidator"/>.</summary>
public sealed class V4l2CameraOptions
{
    /// <summary>
    /// The video device: <c>/dev/videoN</c>, or better a udev link such as <c>/dev/v4l/by-id/usb-…-video-index0</c>,
    /// which still names the same camera when it comes back as another <c>/dev/videoN</c> after a re-plug.
    /// Default <c>/dev/video0</c>.
    /// </summary>
    public string DevicePath { get; init; } = "/dev/video0";

    /// <summary>The capture width in pixels (even for YUYV). Default 640.</summary>
    public int Width { get; init; } = 640;

    /// <summary>The capture height in pixels. Default 480.</summary>
    public int Height { get; init; } = 480;

    /// <summary>The pixel format requested from the camera. Default YUYV.</summary>
    public V4l2PixelFormat PixelFormat { get; init; } = V4l2PixelFormat.Yuyv;

    /// <summary>How long a capture waits for a frame before the camera counts as lost. Default 2 s.</summary>
    public TimeSpan FrameTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How many corrupt frames in a row make the camera count as lost (a loose cable sends garbage). Default 30.</summary>
    public int MaxConsecutiveCorruptFrames { get; init; } = 30;

    /// <summary>The source name in status reports and frame records. Default <c>camera</c>.</summary>
    public string Name { get; init; } = "camera";

    /// <summary>The limits for decoding MJPEG frames; defaults when null.</summary>
    public ImageDecoderOptions? Decoder { get; init; }
}
