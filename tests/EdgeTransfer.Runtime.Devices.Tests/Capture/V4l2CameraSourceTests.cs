using EdgeTransfer.Runtime.Capture;
using EdgeTransfer.Runtime.Devices.Tests.Support;
using EdgeTransfer.Testing;
using Microsoft.Extensions.Time.Testing;

namespace EdgeTransfer.Runtime.Devices.Tests.Capture;

// The frame handling of the camera source, on a scripted device in place of the V4L2 binding (no camera here).
public sealed class V4l2CameraSourceTests
{
    private static readonly V4l2CameraOptions Yuyv2x2 = new() { Width = 2, Height = 2, FrameTimeout = TimeSpan.FromSeconds(2), MaxConsecutiveCorruptFrames = 3 };

    [Fact]
    public async Task CaptureAsync_ConvertsTheNextYuyvFrame_IntoRgb24()
    {
        // Given a streaming camera
        var camera = new ScriptedCamera();
        await using var source = new V4l2CameraSource(Yuyv2x2, camera, new FakeTimeProvider());

        // When a capture is asked for and the camera sends a white row over a black row
        var capture = source.CaptureAsync();
        camera.Push([235, 128, 235, 128, 16, 128, 16, 128]);
        var frame = (await Eventually.Within(capture))!.Value;

        // Then the frame is that image in RGB24, from the device, without label
        Assert.Equal((2, 2), (frame.Width, frame.Height));
        Assert.Equal([255, 255, 255, 255, 255, 255, 0, 0, 0, 0, 0, 0], frame.Pixels.ToArray());
        Assert.Equal("/dev/video7", frame.Origin);
        Assert.Null(frame.Label);
        Assert.Equal(SourceState.Online, source.Status.State);
    }

    [Fact]
    public async Task CaptureAsync_SkipsAShortFrame_AndUsesTheNextOne()
    {
        var camera = new ScriptedCamera();
        await using var source = new V4l2CameraSource(Yuyv2x2, camera, new FakeTimeProvider());
        var skipped = new List<string>();
        source.FrameSkipped += (_, e) => skipped.Add(e.Reason);

        var capture = source.CaptureAsync();
        camera.Push([16, 128, 16]);
        camera.Push([16, 128, 16, 128, 16, 128, 16, 128]);
        var frame = await Eventually.Within(capture);

        Assert.NotNull(frame);
        Assert.Contains("3 bytes, 8 expected", Assert.Single(skipped), StringComparison.Ordinal);
        Assert.Equal(1, source.SkippedFrames);
    }

    [Fact]
    public async Task CaptureAsync_ThrowsATransientError_WhenTheCameraStalls()
    {
        // Given a camera that sends nothing
        var time = new FakeTimeProvider();
        var camera = new ScriptedCamera();
        await using var source = new V4l2CameraSource(Yuyv2x2, camera, time);

        // When the frame timeout passes on the clock
        var capture = source.CaptureAsync().AsTask();
        time.Advance(TimeSpan.FromSeconds(2));

        // Then the capture fails as transient (a resilient wrapper reopens) and the status says why
        var error = await Assert.ThrowsAsync<CaptureException>(() => capture.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.True(error.IsTransient);
        Assert.IsType<TimeoutException>(error.InnerException);
        Assert.Equal(SourceState.Failed, source.Status.State);
        Assert.Contains("unplugged or stalled", source.Status.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CaptureAsync_ThrowsATransientError_WhenTheDeviceFails()
    {
        var camera = new ScriptedCamera();
        await using var source = new V4l2CameraSource(Yuyv2x2, camera, new FakeTimeProvider());

        var capture = source.CaptureAsync().AsTask();
        camera.Unplug();

        var error = await Assert.ThrowsAsync<CaptureException>(() => capture.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.True(error.IsTransient);
        Assert.IsType<IOException>(error.InnerException);
        await Assert.ThrowsAsync<CaptureException>(async () => await source.CaptureAsync());
    }

    [Fact]
    public async Task CaptureAsync_GivesUp_AfterTooManyCorruptFramesInARow()
    {
        var camera = new ScriptedCamera();
        await using var source = new V4l2CameraSource(Yuyv2x2, camera, new FakeTimeProvider());

        var capture = source.CaptureAsync().AsTask();
        for (var i = 0; i < 3; i++)
        {
            camera.Push([1]);
        }

        var error = await Assert.ThrowsAsync<CaptureException>(() => capture.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.True(error.IsTransient);
        Assert.Contains("3 corrupt frames in a row", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CaptureAsync_SkipsACorruptMjpegFrame()
    {
        var camera = new ScriptedCamera();
        var options = new V4l2CameraOptions { PixelFormat = V4l2PixelFormat.Mjpeg, Width = 4, Height = 4, MaxConsecutiveCorruptFrames = 5 };
        await using var source = new V4l2CameraSource(options, camera, new FakeTimeProvider());
        var skipped = 0;
        source.FrameSkipped += (_, _) => Interlocked.Increment(ref skipped);

        var capture = source.CaptureAsync();
        camera.Push([0xFF, 0xD8, 0xFF, 0xE0, 0, 0]);
        Eventually.True(() => Volatile.Read(ref skipped) == 1, "the corrupt JPEG is reported");
        Assert.False(capture.IsCompleted);
    }

    [Fact]
    public async Task DisposeAsync_StopsTheStream_AndClosesTheDevice()
    {
        var camera = new ScriptedCamera();
        var source = new V4l2CameraSource(Yuyv2x2, camera, new FakeTimeProvider());

        await source.DisposeAsync();
        await source.DisposeAsync();

        Assert.True(camera.Disposed);
        Assert.Equal(SourceState.Offline, source.Status.State);
    }
}
