using System.Globalization;
using Iot.Device.Media;

namespace EdgeTransfer.Runtime.Capture;

/// <summary>
/// The pure part of opening a V4L2 camera: which bus id a device path means, which settings the binding
/// gets, and whether the camera offers the requested format and size. Kept apart from the device calls so
/// that it is tested without a camera.
/// </summary>
internal static class V4l2Negotiation
{
    private const string VideoPrefix = "/dev/video";

    /// <summary>The N of <c>/dev/videoN</c> (the binding opens devices by that number).</summary>
    public static int BusIdFromDevicePath(string resolvedPath, string configuredPath)
    {
        if (resolvedPath.StartsWith(VideoPrefix, StringComparison.Ordinal)
            && int.TryParse(resolvedPath.AsSpan(VideoPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var bus))
        {
            return bus;
        }

        var via = resolvedPath == configuredPath ? string.Empty : $" (it resolves to '{resolvedPath}')";
        throw new InvalidSettingException("V4l2CameraOptions.DevicePath", $"'{configuredPath}'{via} is not a /dev/videoN device; list the cameras with 'v4l2-ctl --list-devices'.");
    }

    public static VideoPixelFormat ToVideoPixelFormat(V4l2PixelFormat format) => format switch
    {
        V4l2PixelFormat.Yuyv => VideoPixelFormat.YUYV,
        V4l2PixelFormat.Mjpeg => VideoPixelFormat.MJPEG,
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "Unknown pixel format."),
    };

    /// <summary>The binding's settings: bus, size and format; the camera's own defaults for every control.</summary>
    public static VideoConnectionSettings CreateSettings(V4l2CameraOptions options, int busId) =>
        new(busId, ((uint)options.Width, (uint)options.Height), ToVideoPixelFormat(options.PixelFormat));

    /// <summary>Throws an <see cref="InvalidSettingException"/> naming what the camera offers when the request is not among it.</summary>
    public static void CheckSupported(
        V4l2CameraOptions options,
        IReadOnlyCollection<VideoPixelFormat> formats,
        Func<VideoPixelFormat, IEnumerable<Resolution>> resolutions)
    {
        var wanted = ToVideoPixelFormat(options.PixelFormat);
        if (!formats.Contains(wanted))
        {
            var offered = formats.Count == 0 ? "none" : string.Join(", ", formats.Select(Describe));
            throw new InvalidSettingException("V4l2CameraOptions.PixelFormat", $"camera '{options.DevicePath}' does not offer {options.PixelFormat}; it offers {offered}.");
        }

        var sizes = resolutions(wanted).ToArray();

        // Some drivers enumerate no frame sizes; then the driver's own adjustment (VIDIOC_S_FMT) decides and the frame length check catches a mismatch.
        if (sizes.Length > 0 && !sizes.Any(r => Fits(r, (uint)options.Width, (uint)options.Height)))
        {
            throw new InvalidSettingException("V4l2CameraOptions.Width/Height", $"camera '{options.DevicePath}' does not offer {options.Width}×{options.Height} in {options.PixelFormat}; it offers {string.Join(", ", sizes.Select(Describe))}.");
        }
    }

    public static bool Fits(Resolution r, uint width, uint height) => r.Type switch
    {
        ResolutionType.Discrete => width == r.MinWidth && height == r.MinHeight,
        ResolutionType.Continuous => width >= r.MinWidth && width <= r.MaxWidth && height >= r.MinHeight && height <= r.MaxHeight,
        _ => width >= r.MinWidth && width <= r.MaxWidth && height >= r.MinHeight && height <= r.MaxHeight
            && (r.StepWidth == 0 || (width - r.MinWidth) % r.StepWidth == 0)
            && (r.StepHeight == 0 || (height - r.MinHeight) % r.StepHeight == 0),
    };

    private static string Describe(VideoPixelFormat format) =>
        Enum.IsDefined(format) ? format.ToString() : string.Create(CultureInfo.InvariantCulture, $"0x{(uint)format:X8}");

    private static string Describe(Resolution r) => r.Type == ResolutionType.Discrete
        ? string.Create(CultureInfo.InvariantCulture, $"{r.MinWidth}×{r.MinHeight}")
        : string.Create(CultureInfo.InvariantCulture, $"{r.MinWidth}×{r.MinHeight} to {r.MaxWidth}×{r.MaxHeight}");
}
