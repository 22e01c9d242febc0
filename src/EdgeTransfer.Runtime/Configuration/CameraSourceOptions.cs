namespace EdgeTransfer.Runtime.Configuration;

/// <summary>The <c>source.camera</c> section: a V4L2 camera.</summary>
public sealed class CameraSourceOptions
{
    /// <summary>The video device, <c>/dev/videoN</c> (or a stable <c>/dev/v4l/by-id/…</c> link). Default <c>/dev/video0</c>.</summary>
    public string Device { get; set; } = "/dev/video0";

    /// <summary>The frame width in pixels, 16 to 8192. Default 640.</summary>
    public int Width { get; set; } = 640;

    /// <summary>The frame height in pixels, 16 to 8192. Default 480.</summary>
    public int Height { get; set; } = 480;

    /// <summary>The pixel format asked of the camera. Default <c>yuyv</c>.</summary>
    public PixelFormat PixelFormat { get; set; } = PixelFormat.Yuyv;
}
