namespace EdgeTransfer.Runtime.Capture;

/// <summary>The camera pixel formats the V4L2 source can turn into RGB24.</summary>
public enum V4l2PixelFormat
{
    /// <summary>Packed YUYV 4:2:2 (<c>V4L2_PIX_FMT_YUYV</c>), converted with BT.601 by <see cref="YuyvConverter"/>. Uncompressed: no artefacts, more USB bandwidth.</summary>
    Yuyv,

    /// <summary>Motion-JPEG (<c>V4L2_PIX_FMT_MJPEG</c>), each frame decoded by the hardened decoder. Higher resolutions and rates over USB 2.</summary>
    Mjpeg,
}
