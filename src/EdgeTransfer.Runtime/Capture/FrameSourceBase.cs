namespace EdgeTransfer.Runtime.Capture;

/// <summary>
/// What every source shares: the status with its event, the skipped-frame event, the reused RGB24
/// buffer, frame ids and idempotent disposal. Internal so that the public surface stays the interface.
/// </summary>
internal abstract class FrameSourceBase : IFrameSource
{
    private readonly Lock _statusLock = new();
    private byte[] _pixels = [];
    private long _lastId;
    private long _skipped;
    private int _disposed;

    protected FrameSourceBase(string name, TimeProvider? timeProvider)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
        Time = timeProvider ?? TimeProvider.System;
        Status = SourceStatus.Offline(Time.GetUtcNow());
    }

    public string Name { get; }

    public SourceStatus Status { get; private set; }

    public long SkippedFrames => Interlocked.Read(ref _skipped);

    public event EventHandler<SourceStatusChangedEventArgs>? StatusChanged;

    public event EventHandler<FrameSkippedEventArgs>? FrameSkipped;

    protected TimeProvider Time { get; }

    protected bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    public abstract ValueTask<Frame?> CaptureAsync(CancellationToken cancellationToken = default);

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await ReleaseAsync();
        SetStatus(SourceStatus.Offline(Time.GetUtcNow()));
        GC.SuppressFinalize(this);
    }

    protected virtual ValueTask ReleaseAsync() => ValueTask.CompletedTask;

    protected void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(IsDisposed, this);

    protected void SetStatus(SourceStatus status)
    {
        SourceStatus previous;
        lock (_statusLock)
        {
            previous = Status;
            if (previous.State == status.State && previous.Attempt == status.Attempt && previous.Reason == status.Reason)
            {
                return;
            }

            Status = status;
        }

        StatusChanged?.Invoke(this, new SourceStatusChangedEventArgs(Name, previous, status));
    }

    protected void ReportSkipped(string origin, string reason, Exception? exception)
    {
        Interlocked.Increment(ref _skipped);
        FrameSkipped?.Invoke(this, new FrameSkippedEventArgs(Name, origin, reason, Time.GetUtcNow(), exception));
    }

    /// <summary>The reused pixel buffer, grown (never shrunk) to hold a frame of the given size.</summary>
    protected Memory<byte> PixelBuffer(int width, int height)
    {
        var length = checked(width * height * 3);
        if (_pixels.Length < length)
        {
            // Grows once for the largest frame seen; every later frame of that size reuses it.
            _pixels = GC.AllocateUninitializedArray<byte>(length);
        }

        return _pixels.AsMemory(0, length);
    }

    /// <summary>Takes the next frame id and the reused buffer for a frame of the given size.</summary>
    protected Frame NewFrame(int width, int height, string? label, string? origin, out Memory<byte> pixels)
    {
        pixels = PixelBuffer(width, height);
        return new Frame(Interlocked.Increment(ref _lastId), Time.GetUtcNow(), width, height, pixels, label, Name, origin);
    }
}
