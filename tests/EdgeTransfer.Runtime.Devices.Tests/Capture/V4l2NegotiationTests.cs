using EdgeTransfer.Runtime.Capture;
using Iot.Device.Media;

namespace EdgeTransfer.Runtime.Devices.Tests.Capture;

// The V4L2 device calls need a camera, which this machine does not have; these tests cover everything
// around them: the bus id the binding is given, its settings, and the format/size check.
public sealed class V4l2NegotiationTests
{
    [Theory]
    [InlineData("/dev/video0", 0)]
    [InlineData("/dev/video12", 12)]
    public void BusIdFromDevicePath_ReadsTheDeviceNumber(string path, int bus)
    {
        Assert.Equal(bus, V4l2Negotiation.BusIdFromDevicePath(path, path));
    }

    [Theory]
    [InlineData("/dev/media0")]
    [InlineData("/dev/video")]
    [InlineData("/dev/video-1")]
    public void BusIdFromDevicePath_RejectsOtherDevices_NamingThePath(string path)
    {
        var error = Assert.Throws<InvalidSettingException>(() => V4l2Negotiation.BusIdFromDevicePath(path, "/dev/v4l/by-id/usb-cam"));
        Assert.Equal("V4l2CameraOptions.DevicePath", error.Setting);
        Assert.Contains("/dev/v4l/by-id/usb-cam", error.Message, StringComparison.Ordinal);
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(V4l2PixelFormat.Yuyv, VideoPixelFormat.YUYV)]
    [InlineData(V4l2PixelFormat.Mjpeg, VideoPixelFormat.MJPEG)]
    public void CreateSettings_PassesBusSizeAndFormat_ToTheBinding(V4l2PixelFormat format, VideoPixelFormat expected)
    {
        var settings = V4l2Negotiation.CreateSettings(new V4l2CameraOptions { Width = 1280, Height = 720, PixelFormat = format }, 3);

        Assert.Equal(3, settings.BusId);
        Assert.Equal((1280u, 720u), settings.CaptureSize);
        Assert.Equal(expected, settings.PixelFormat);
    }

    [Fact]
    public void CheckSupported_AcceptsAnOfferedDiscreteSize()
    {
        V4l2Negotiation.CheckSupported(
            new V4l2CameraOptions { Width = 640, Height = 480 },
            [VideoPixelFormat.MJPEG, VideoPixelFormat.YUYV],
            _ => [Discrete(320, 240), Discrete(640, 480)]);
    }

    [Fact]
    public void CheckSupported_RejectsAFormatTheCameraLacks_ListingWhatItOffers()
    {
        var error = Assert.Throws<InvalidSettingException>(() => V4l2Negotiation.CheckSupported(
            new V4l2CameraOptions { PixelFormat = V4l2PixelFormat.Mjpeg },
            [VideoPixelFormat.YUYV],
            _ => []));

        Assert.Equal("V4l2CameraOptions.PixelFormat", error.Setting);
        Assert.Contains("offers YUYV", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CheckSupported_RejectsASizeTheCameraLacks_ListingWhatItOffers()
    {
        var error = Assert.Throws<InvalidSettingException>(() => V4l2Negotiation.CheckSupported(
            new V4l2CameraOptions { Width = 800, Height = 600 },
            [VideoPixelFormat.YUYV],
            _ => [Discrete(640, 480), Discrete(1280, 720)]));

        Assert.Equal("V4l2CameraOptions.Width/Height", error.Setting);
        Assert.Contains("640×480, 1280×720", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(640, 480, true)]
    [InlineData(648, 480, true)]
    [InlineData(642, 480, false)]
    [InlineData(4000, 480, false)]
    public void Fits_HonoursStepwiseRanges(int width, int height, bool fits)
    {
        var range = new Resolution { Type = ResolutionType.Stepwise, MinWidth = 320, MaxWidth = 1920, StepWidth = 8, MinHeight = 240, MaxHeight = 1080, StepHeight = 8 };

        Assert.Equal(fits, V4l2Negotiation.Fits(range, (uint)width, (uint)height));
    }

    [Fact]
    public void Validate_RejectsAnOddYuyvWidth()
    {
        var error = Assert.Throws<InvalidSettingException>(() => V4l2CameraOptionsValidator.Validate(new V4l2CameraOptions { Width = 641 }));
        Assert.Equal("V4l2CameraOptions.Width", error.Setting);
    }

    [Fact]
    public void Validate_RejectsAPathOutsideDev()
    {
        var error = Assert.Throws<InvalidSettingException>(() => V4l2CameraOptionsValidator.Validate(new V4l2CameraOptions { DevicePath = "video0" }));
        Assert.Equal("V4l2CameraOptions.DevicePath", error.Setting);
    }

    private static Resolution Discrete(uint w, uint h) => new() { Type = ResolutionType.Discrete, MinWidth = w, MaxWidth = w, MinHeight = h, MaxHeight = h };
}
