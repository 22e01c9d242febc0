using System.Collections.Concurrent;
using EdgeTransfer.Runtime.Capture;
using EdgeTransfer.Runtime.Devices.Tests.Support;
using EdgeTransfer.Testing;
using Microsoft.Extensions.Time.Testing;

namespace EdgeTransfer.Runtime.Devices.Tests.Capture;

public sealed class ResilientFrameSourceTests
{
    private static readonly ReconnectPolicy NoJitter = new()
    {
        InitialDelay = TimeSpan.FromSeconds(1),
        MaxDelay = TimeSpan.FromSeconds(3),
        Multiplier = 2,
        Jitter = 0,
    };

    [Fact]
    public async Task CaptureAsync_ReconnectsWithGrowingCappedBackOff_AndReportsEachAttempt_ThenOnline()
    {
        // Given a camera that delivers one frame, is unplugged (the capture throws), is missing for two
        // reopen attempts, then comes back
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-01-01T08:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var opens = 0;
        var sources = new List<UnpluggableFrameSource>();
        ValueTask<IFrameSource> Open(CancellationToken ct)
        {
            opens++;
            if (opens is 2 or 3)
            {
                throw new FileNotFoundException("The video device '/dev/video0' does not exist.");
            }

            UnpluggableFrameSource? source = null;
            source = opens == 1
                ? new UnpluggableFrameSource("cam", () => source!.NextFrame(), () => throw new IOException("No such device (ENODEV)."))
                : new UnpluggableFrameSource("cam");
            sources.Add(source);
            return ValueTask.FromResult<IFrameSource>(source);
        }

        await using var resilient = new ResilientFrameSource("camera", Open, NoJitter, time);
        var statuses = new ConcurrentQueue<SourceStatus>();
        resilient.StatusChanged += (_, e) => statuses.Enqueue(e.Current);
        var first = (await resilient.CaptureAsync())!.Value;

        // When the next frame is asked for while the clock is advanced on each reconnecting status
        var next = resilient.CaptureAsync();
        var expectedDelays = new[] { 1, 2, 3 }.Select(s => TimeSpan.FromSeconds(s)).ToArray();
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            Eventually.True(() => resilient.Status.State == SourceState.Reconnecting && resilient.Status.Attempt == attempt, $"reconnecting attempt {attempt}");
            var status = resilient.Status;
            Assert.Equal(expectedDelays[attempt - 1], status.NextRetryAt - status.Since);
            Assert.False(next.IsCompleted);
            time.Advance(expectedDelays[attempt - 1]);
        }

        var second = (await Eventually.Within(next))!.Value;

        // Then the statuses were online, reconnecting 1..3 (delays 1 s, 2 s, capped 3 s) and online again
        Assert.Equal(
            ["Online:0", "Reconnecting:1", "Reconnecting:2", "Reconnecting:3", "Online:0"],
            statuses.Select(s => $"{s.State}:{s.Attempt}"));
        Assert.All(statuses.Where(s => s.State == SourceState.Reconnecting), s => Assert.False(string.IsNullOrWhiteSpace(s.Reason)));
        Assert.Equal(1, first.Id);
        Assert.Equal(2, second.Id);
        Assert.Equal("camera", second.SourceName);
        Assert.Equal(4, opens);
        Assert.True(sources[0].Disposed, "the lost source is disposed");
        Assert.Equal(1, resilient.Reconnections);
        Assert.IsType<FileNotFoundException>(resilient.LastError);
    }

    [Fact]
    public async Task CaptureAsync_CountsAndSkipsCorruptFrames_WithoutReconnecting()
    {
        // Given a source that throws one corrupt frame and reports another through its event
        var opens = 0;
        UnpluggableFrameSource? inner = null;
        ValueTask<IFrameSource> Open(CancellationToken ct)
        {
            opens++;
            inner = new UnpluggableFrameSource(
                "cam",
                () => throw new ImageDecodeException("/dev/video0", "the JPEG has no end-of-image marker."),
                () =>
                {
                    inner!.RaiseSkipped("short YUYV frame.");
                    return inner.NextFrame();
                });
            return ValueTask.FromResult<IFrameSource>(inner);
        }

        await using var resilient = new ResilientFrameSource("camera", Open, NoJitter, new FakeTimeProvider());
        var skipped = new List<string>();
        resilient.FrameSkipped += (_, e) => skipped.Add(e.Reason);

        // When a frame is captured
        var frame = await resilient.CaptureAsync();

        // Then both corrupt frames were counted and reported, and the source was never reopened
        Assert.NotNull(frame);
        Assert.Equal(2, resilient.SkippedFrames);
        Assert.Equal(["the JPEG has no end-of-image marker.", "short YUYV frame."], skipped);
        Assert.Equal(1, opens);
        Assert.Equal(SourceState.Online, resilient.Status.State);
    }

    [Fact]
    public async Task CaptureAsync_Fails_OnAConfigurationError_WithoutRetrying()
    {
        // Given a camera that does not offer the configured format
        var opens = 0;
        ValueTask<IFrameSource> Open(CancellationToken ct)
        {
            opens++;
            throw new InvalidSettingException("V4l2CameraOptions.PixelFormat", "camera '/dev/video0' does not offer Mjpeg; it offers YUYV.");
        }

        await using var resilient = new ResilientFrameSource("camera", Open, NoJitter, new FakeTimeProvider());

        // When frames are asked for twice
        var first = await Assert.ThrowsAsync<CaptureException>(async () => await resilient.CaptureAsync());
        var again = await Assert.ThrowsAsync<CaptureException>(async () => await resilient.CaptureAsync());

        // Then the status is failed with the reason, and the device was opened once
        Assert.False(first.IsTransient);
        Assert.IsType<InvalidSettingException>(first.InnerException);
        Assert.Same(first, again);
        Assert.Equal(SourceState.Failed, resilient.Status.State);
        Assert.Contains("does not offer Mjpeg", resilient.Status.Reason, StringComparison.Ordinal);
        Assert.Equal(1, opens);
    }

    [Fact]
    public async Task CaptureAsync_Fails_AfterMaxAttempts()
    {
        // Given a device that never appears and a limit of two attempts
        var time = new FakeTimeProvider();
        var policy = new ReconnectPolicy { InitialDelay = TimeSpan.FromSeconds(1), MaxDelay = TimeSpan.FromSeconds(1), Jitter = 0, MaxAttempts = 2 };
        ValueTask<IFrameSource> Open(CancellationToken ct) => throw new FileNotFoundException("missing");
        await using var resilient = new ResilientFrameSource("camera", Open, policy, time);

        // When a frame is asked for and the clock runs through the attempts
        var capture = resilient.CaptureAsync().AsTask();
        for (var attempt = 1; attempt <= 2; attempt++)
        {
            Eventually.True(() => resilient.Status.Attempt == attempt, $"attempt {attempt}");
            time.Advance(TimeSpan.FromSeconds(1));
        }

        // Then the capture fails for good, naming the attempts
        var error = await Assert.ThrowsAsync<CaptureException>(() => capture.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Contains("in 2 attempts", error.Message, StringComparison.Ordinal);
        Assert.Equal(SourceState.Failed, resilient.Status.State);
    }

    [Fact]
    public async Task DisposeAsync_DisposesTheInnerSource_AndIsIdempotent()
    {
        var inner = new UnpluggableFrameSource("cam");
        var resilient = new ResilientFrameSource("camera", _ => ValueTask.FromResult<IFrameSource>(inner), NoJitter, new FakeTimeProvider());
        await resilient.CaptureAsync();

        await resilient.DisposeAsync();
        await resilient.DisposeAsync();

        Assert.True(inner.Disposed);
        Assert.Equal(SourceState.Offline, resilient.Status.State);
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await resilient.CaptureAsync());
    }
}
