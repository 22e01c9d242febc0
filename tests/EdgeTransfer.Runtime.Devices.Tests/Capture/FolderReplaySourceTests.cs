using EdgeTransfer.Runtime.Capture;
using EdgeTransfer.Testing;
using Microsoft.Extensions.Time.Testing;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace EdgeTransfer.Runtime.Devices.Tests.Capture;

public sealed class FolderReplaySourceTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task CaptureAsync_LoopsOverTheFolder_AndCarriesTheClassAsLabel()
    {
        // Given an ImageFolder tree with two classes
        WritePng("good", "a.png", new Rgb24(10, 20, 30));
        WritePng("good", "b.png", new Rgb24(40, 50, 60));
        WritePng("scratch", "c.png", new Rgb24(70, 80, 90));
        await using var source = new FolderReplaySource(new FolderReplayOptions { Directory = _dir.Path });

        // When five frames are captured
        var frames = new List<(long Id, string? Label, byte R, string? File)>();
        for (var i = 0; i < 5; i++)
        {
            var frame = (await source.CaptureAsync())!.Value;
            frames.Add((frame.Id, frame.Label, frame.Pixels.Span[0], Path.GetFileName(frame.Origin)));
        }

        // Then the folder order repeats, each frame labelled with its class folder, ids increasing
        Assert.Equal(["good", "scratch"], source.ClassNames);
        Assert.Equal(["a.png", "b.png", "c.png", "a.png", "b.png"], frames.Select(f => f.File));
        Assert.Equal(["good", "good", "scratch", "good", "good"], frames.Select(f => f.Label));
        Assert.Equal([10, 40, 70, 10, 40], frames.Select(f => f.R));
        Assert.Equal([1L, 2, 3, 4, 5], frames.Select(f => f.Id));
        Assert.Equal(SourceState.Online, source.Status.State);
    }

    [Fact]
    public async Task CaptureAsync_ReportsACorruptPng_AndMovesOnToTheNextFile()
    {
        // Given a folder where the middle file is a PNG signature followed by garbage
        WritePng("good", "a.png", new Rgb24(1, 1, 1));
        File.WriteAllBytes(Path.Combine(_dir.Path, "good", "b.png"), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3, 4, 5]);
        WritePng("good", "c.png", new Rgb24(3, 3, 3));
        await using var source = new FolderReplaySource(new FolderReplayOptions { Directory = _dir.Path });
        var skipped = new List<FrameSkippedEventArgs>();
        source.FrameSkipped += (_, e) => skipped.Add(e);

        // When two frames are captured
        var first = (await source.CaptureAsync())!.Value;
        var second = (await source.CaptureAsync())!.Value;

        // Then the corrupt file was reported once with its path and reason, and skipped
        Assert.Equal("a.png", Path.GetFileName(first.Origin));
        Assert.Equal("c.png", Path.GetFileName(second.Origin));
        Assert.Equal(2, second.Id);
        var report = Assert.Single(skipped);
        Assert.Equal("b.png", Path.GetFileName(report.Origin));
        Assert.False(string.IsNullOrWhiteSpace(report.Reason));
        Assert.IsType<ImageDecodeException>(report.Exception);
        Assert.Equal(1, source.SkippedFrames);
    }

    [Fact]
    public async Task CaptureAsync_EndsTheStream_WhenLoopingIsOff()
    {
        // Given a one-file folder replayed once
        WritePng("good", "a.png", new Rgb24(1, 1, 1));
        await using var source = new FolderReplaySource(new FolderReplayOptions { Directory = _dir.Path, Loop = false });

        // When it is captured twice
        var first = await source.CaptureAsync();
        var second = await source.CaptureAsync();

        // Then the second capture is the end of the stream
        Assert.NotNull(first);
        Assert.Null(second);
    }

    [Fact]
    public async Task CaptureAsync_Throws_WhenNoFileOfAWholePassCanBeDecoded()
    {
        // Given a folder of corrupt files only
        Directory.CreateDirectory(Path.Combine(_dir.Path, "good"));
        File.WriteAllBytes(Path.Combine(_dir.Path, "good", "x.png"), [1, 2, 3]);
        File.WriteAllBytes(Path.Combine(_dir.Path, "good", "y.jpg"), [0xFF, 0xD8, 0xFF, 0]);
        await using var source = new FolderReplaySource(new FolderReplayOptions { Directory = _dir.Path });

        // When a frame is asked for
        var error = await Assert.ThrowsAsync<CaptureException>(async () => await source.CaptureAsync());

        // Then the error says so, is not transient, and the status is failed
        Assert.False(error.IsTransient);
        Assert.Contains("none of the 2 image files", error.Message, StringComparison.Ordinal);
        Assert.Equal(SourceState.Failed, source.Status.State);
    }

    [Fact]
    public async Task CaptureAsync_KeepsTheRate_OnTheInjectedClock()
    {
        // Given a replay at 10 frames per second on a fake clock
        WritePng("good", "a.png", new Rgb24(1, 1, 1));
        var time = new FakeTimeProvider();
        await using var source = new FolderReplaySource(new FolderReplayOptions { Directory = _dir.Path, FramesPerSecond = 10 }, time);

        // When the first frame is taken and the second asked for
        var first = (await source.CaptureAsync())!.Value;
        var second = source.CaptureAsync();

        // Then the second waits for 100 ms of clock time, and is stamped with it
        Assert.False(second.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(99));
        Assert.False(second.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(1));
        var frame = (await Eventually.Within(second))!.Value;
        Assert.Equal(TimeSpan.FromMilliseconds(100), frame.Timestamp - first.Timestamp);
    }

    [Fact]
    public void Constructor_RejectsABadRate_NamingTheSetting()
    {
        var error = Assert.Throws<InvalidSettingException>(() => new FolderReplaySource(new FolderReplayOptions { Directory = _dir.Path, FramesPerSecond = 0 }));
        Assert.Equal("FolderReplayOptions.FramesPerSecond", error.Setting);
    }

    private void WritePng(string cls, string name, Rgb24 colour)
    {
        Directory.CreateDirectory(Path.Combine(_dir.Path, cls));
        using var image = new Image<Rgb24>(4, 3, colour);
        image.SaveAsPng(Path.Combine(_dir.Path, cls, name));
    }
}
