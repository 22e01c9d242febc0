using EdgeTransfer.Runtime.Capture;

namespace EdgeTransfer.Device.Tests;

/// <summary>A source that delivers the frames of another until frozen, then never returns one (a wedged camera driver) until thawed.</summary>
internal sealed class FreezableFrameSource(IFrameSource inner) : IFrameSource
{
    private volatile TaskCompletionSource? _thaw;

    public string Name => inner.Name;

    public SourceStatus Status => inner.Status;

    public event EventHandler<SourceStatusChangedEventArgs>? StatusChanged
    {
        add => inner.StatusChanged += value;
        remove => inner.StatusChanged -= value;
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
