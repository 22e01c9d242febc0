using EdgeTransfer.Runtime.Capture;

namespace EdgeTransfer.Device.Tests;

/// <summary>
/// A source that delivers the frames of another until frozen, then never returns one (a wedged camera driver) until
/// thawed; or, lost, says it is reconnecting (a camera unplugged) until restored.
/// </summary>
internal sealed class FreezableFrameSource(IFrameSource inner) : IFrameSource
{
    private volatile TaskCompletionSource? _thaw;
    private volatile SourceStatus? _lost;
    private EventHandler<SourceStatusChangedEventArgs>? _statusChanged;

    public string Name => inner.Name;

    public SourceStatus Status => _lost ?? inner.Status;

    public event EventHandler<SourceStatusChangedEventArgs>? StatusChanged
    {
        add
        {
            inner.StatusChanged += value;
            _statusChanged += value;
        }

        remove
        {
            inner.StatusChanged -= value;
            _statusChanged -= value;
        }
    }

    public void Lose(string reason)
    {
        Freeze();
        var now = DateTimeOffset.UtcNow;
        _lost = SourceStatus.Reconnecting(1, now.AddSeconds(5), reason, now);
        _statusChanged?.Invoke(this, new SourceStatusChangedEventArgs(Name, inner.Status, _lost));
    }

    public void Restore()
    {
        var lost = _lost!;
        _lost = null;
        _statusChanged?.Invoke(this, new SourceStatusChangedEventArgs(Name, lost, inner.Status));
        Thaw();
    }

    public event EventHandler<FrameSkippedEventArgs>? FrameSkipped
    {
        add => inner.FrameSkipped += value;
        remove => inner.FrameSkipped -= value;
    }

    public void Freeze() => _thaw = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Thaw() => Interlocked.Exchange(ref _thaw, null)?.TrySetResult();

    public async ValueTask<Frame?> CaptureAsync(CancellationToken cancellationToken = default)
    {
        if (_thaw is { } frozen)
        {
            // Status stays online: the driver says nothing, it only never delivers.
            await frozen.Task.WaitAsync(cancellationToken);
        }

        return await inner.CaptureAsync(cancellationToken);
    }

    public ValueTask DisposeAsync() => inner.DisposeAsync();
}
