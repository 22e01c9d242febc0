namespace EdgeTransfer.Runtime.Capture;

/// <summary>Checks <see cref="V4l2CameraOptions"/> (the values only; what the camera supports is checked when it is opened).</summary>
internal static class V4l2CameraOptionsValidator
{
    /// <summary>The largest side accepted (8K).</summary>
    public const int MaxSide = 8192;

    /// <summary>Throws <see cref="InvalidSettingException"/> naming the first bad value.</summary>
    /// <param name="options">The options.</param>
    public static void Validate(V4l2CameraOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.DevicePath) || !options.DevicePath.StartsWith("/dev/", StringComparison.Ordinal))
        {
            throw new InvalidSettingException("V4l2CameraOptions.DevicePath", $"must be a video device under /dev (/dev/video0 or /dev/v4l/by-id/…); got '{options.DevicePath}'.");
        }

        if (options.Width is < 2 or > MaxSide || options.Height is < 1 or > MaxSide)
        {
            throw new InvalidSettingException("V4l2CameraOptions.Width/Height", $"must be from 2×1 to {MaxSide}×{MaxSide} pixels; got {options.Width}×{options.Height}.");
        }

        if (options.PixelFormat == V4l2PixelFormat.Yuyv && (options.Width & 1) != 0)
        {
            throw new InvalidSettingException("V4l2CameraOptions.Width", $"must be even for YUYV (two pixels share one colour sample); got {options.Width}.");
        }

        if (!Enum.IsDefined(options.PixelFormat))
        {
            throw new InvalidSettingException("V4l2CameraOptions.PixelFormat", $"must be Yuyv or Mjpeg; got {options.PixelFormat}.");
        }

        if (options.FrameTimeout <= TimeSpan.Zero || options.FrameTimeout > TimeSpan.FromMinutes(1))
        {
            throw new InvalidSettingException("V4l2CameraOptions.FrameTimeout", $"must be above zero and at most one minute; got {options.FrameTimeout}.");
        }

        if (options.MaxConsecutiveCorruptFrames < 1)
        {
            throw new InvalidSettingException("V4l2CameraOptions.MaxConsecutiveCorruptFrames", $"must be 1 or more; got {options.MaxConsecutiveCorruptFrames}.");
        }

        if (string.IsNullOrWhiteSpace(options.Name))
        {
            throw new InvalidSettingException("V4l2CameraOptions.Name", "must not be empty; it names the source in status reports.");
        }

        options.Decoder?.Validate();
    }
}
