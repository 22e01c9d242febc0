using EdgeTransfer.Runtime.Capture;

namespace EdgeTransfer.Runtime.Inspection.Tests.Support;

/// <summary>
/// A frame source that plays a script of frames (and, optionally, loops it), can hand out a corrupt frame
/// (a pixel buffer shorter than its size says) and can report a skipped frame, as a real source would.
/// </summary>
public sealed class ScriptedFrameSource : IFrameSource
{
    private readonly IReadOnlyList<ScriptedFrame> _script;
    private readonly bool _loop;
    private long _next;

    public ScriptedFrameSource(IReadOnlyList<ScriptedFrame> script, bool loop = false)
    {
        _script = script;
        _loop = loop;
    }

    public string Name => "scripted";

    public SourceStatus Status { get; } = SourceStatus.Online(DateTimeOffset.UnixEpoch);

    public long Delivered => Interlocked.Read(ref _next);

    // The status never changes.
    public event EventHandler<SourceStatusChangedEventArgs>? StatusChanged
    {
        add { }
        remove { }
    }

    public event EventHandler<FrameSkippedEventArgs>? FrameSkipped;

    public ValueTask<Frame?> CaptureAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        while (true)
        {
            var index = _next;
            if (!_loop && index >= _script.Count)
            {
                return ValueTask.FromResult<Frame?>(null);
            }

            _next++;
            var item = _script[(int)(index % _script.Count)];
            if (item.Skip)
            {
                FrameSkipped?.Invoke(this, new FrameSkippedEventArgs(Name, $"script[{index}]", "the frame was corrupt", DateTimeOffset.UtcNow));
                continue;
            }

            var pixels = item.Corrupt ? item.Pixels.AsMemory(0, item.Pixels.Length / 2) : item.Pixels.AsMemory();
            return ValueTask.FromResult<Frame?>(new Frame(index + 1, DateTimeOffset.UtcNow, item.Width, item.Height, pixels, item.Label, Name, $"script[{index}]"));
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
