using EdgeTransfer.Runtime.Capture;

namespace EdgeTransfer.Runtime.Devices.Tests.Support;

/// <summary>
/// A frame source that plays a script: each step either delivers a small frame or throws. Used behind a
/// <see cref="ResilientFrameSource"/> to stand for a camera that is unplugged and comes back.
/// </summary>
internal sealed class UnpluggableFrameSource : IFrameSource
{
    private readonly Queue<Func<Frame?>> _steps;
    private readonly byte[] _pixels = new byte[2 * 2 * 3];
    private long _id;

    public UnpluggableFrameSource(string name, params Func<Frame?>[] steps)
    {
        Name = name;
        _steps = new Queue<Func<Frame?>>(steps);
    }

    public string Name { get; }

    public SourceStatus Status { get; } = SourceStatus.Online(DateTimeOffset.UnixEpoch);

    public bool Disposed { get; private set; }

    public event EventHandler<SourceStatusChangedEventArgs>? StatusChanged
    {
        add { }
        remove { }
    }

    public event EventHandler<FrameSkippedEventArgs>? FrameSkipped;

    public Frame NextFrame(string? label = "good") => new(++_id, DateTimeOffset.UnixEpoch, 2, 2, _pixels, label, Name, "scripted");

    public void RaiseSkipped(string reason) => FrameSkipped?.Invoke(this, new FrameSkippedEventArgs(Name, "scripted", reason, DateTimeOffset.UnixEpoch));

    public ValueTask<Frame?> CaptureAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Disposed, this);
        return _steps.Count == 0 ? ValueTask.FromResult<Frame?>(NextFrame()) : ValueTask.FromResult(_steps.Dequeue()());
    }

    public ValueTask DisposeAsync()
    {
        Disposed = true;
        return ValueTask.CompletedTask;
    }
}
