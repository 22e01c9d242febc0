namespace EdgeTransfer.Runtime.Capture;

/// <summary>
/// Keeps frames coming when the source underneath fails: a camera that is unplugged and plugged back, a
/// device node that disappears, a folder on a removed stick. The lost source is disposed, the status
/// becomes <see cref="SourceState.Reconnecting"/> with the attempt and the time of the next try, the
/// source is reopened after an exponential back-off (<see cref="ReconnectPolicy"/>, waited on the injected
/// <see cref="TimeProvider"/>), and the status returns to <see cref="SourceState.Online"/> with the next frame.
/// </summary>
/// <remarks>
/// <para>
/// Errors are sorted, not swallowed: a corrupt frame thrown as <see cref="ImageDecodeException"/> is
/// counted, reported through <see cref="IFrameSource.FrameSkipped"/> and skipped (the source stays
/// open); a configuration error (<see cref="InvalidSettingException"/>, an unsupported platform, a
/// <see cref="CaptureException"/> that is not transient) or reaching <see cref="ReconnectPolicy.MaxAttempts"/>
/// makes the status <see cref="SourceState.Failed"/> and <see cref="CaptureAsync"/> throws a
/// <see cref="CaptureException"/> from then on; every other error is treated as a lost device and retried,
/// because a camera driver that is yanked out can fail in many ways and the inspection loop must live on.
/// </para>
/// <para>
/// Frame ids are this wrapper's own, so they keep increasing across reconnections; frames carry this
/// wrapper's <see cref="Name"/>. The wrapper owns every source that <c>open</c> returns and disposes it.
/// </para>
/// </remarks>
public sealed class ResilientFrameSource : IFrameSource
{
    private readonly Source _source;

    /// <summary>Creates the wrapper; nothing is opened until the first capture.</summary>
    /// <param name="name">The name in status reports and frames.</param>
    /// <param name="open">Opens (or reopens) the source; called again after each loss. Its result is owned by this wrapper.</param>
    /// <param name="policy">The back-off; defaults when null; validated here.</param>
    /// <param name="timeProvider">The clock for the back-off and statuses; <see cref="TimeProvider.System"/> when null.</param>
    /// <exception cref="InvalidSettingException">The policy is bad.</exception>
    public ResilientFrameSource(string name, Func<CancellationToken, ValueTask<IFrameSource>> open, ReconnectPolicy? policy = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(open);
        policy ??= new ReconnectPolicy();
        policy.Validate();
        _source = new Source(name, open, policy, timeProvider);
    }

    /// <inheritdoc />
    public string Name => _source.Name;

    /// <inheritdoc />
    public SourceStatus Status => _source.Status;

    /// <summary>The back-off in force.</summary>
    public ReconnectPolicy Policy => _source.Policy;

    /// <summary>How many frames were delivered.</summary>
    public long DeliveredFrames => _source.Delivered;

    /// <summary>How many frames were skipped as corrupt (reported by the source or thrown by it).</summary>
    public long SkippedFrames => _source.SkippedFrames;

    /// <summary>How many times a lost source was reopened successfully.</summary>
    public long Reconnections => _source.Reconnections;

    /// <summary>The last error that made the wrapper reconnect or fail, or null.</summary>
    public Exception? LastError => _source.LastError;

    /// <inheritdoc />
    public event EventHandler<SourceStatusChangedEventArgs>? StatusChanged
    {
        add => _source.StatusChanged += value;
        remove => _source.StatusChanged -= value;
    }

    /// <inheritdoc />
    public event EventHandler<FrameSkippedEventArgs>? FrameSkipped
    {
        add => _source.FrameSkipped += value;
        remove => _source.FrameSkipped -= value;
    }

    /// <inheritdoc />
    /// <exception cref="CaptureException">The source failed for good (configuration error or retry limit).</exception>
    public ValueTask<Frame?> CaptureAsync(CancellationToken cancellationToken = default) => _source.CaptureAsync(cancellationToken);

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _source.DisposeAsync();

    private sealed class Source : FrameSourceBase
    {
        private readonly Func<CancellationToken, ValueTask<IFrameSource>> _open;
        private IFrameSource? _inner;
        private CaptureException? _failure;
        private int _failures;
        private bool _everOpened;
        private string _lastReason = "the source has not been opened yet.";
        private long _delivered;
        private long _lastId;
        private long _reconnections;

        public Source(string name, Func<CancellationToken, ValueTask<IFrameSource>> open, ReconnectPolicy policy, TimeProvider? timeProvider)
            : base(name, timeProvider)
        {
            _open = open;
            Policy = policy;
        }

        public ReconnectPolicy Policy { get; }

        public long Delivered => Interlocked.Read(ref _delivered);

        public long Reconnections => Interlocked.Read(ref _reconnections);

        public Exception? LastError { get; private set; }

        public override async ValueTask<Frame?> CaptureAsync(CancellationToken cancellationToken = default)
        {
            ThrowIfDisposed();
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (_failure is not null)
                {
                    throw _failure;
                }

                var inner = _inner ?? await ReopenAsync(cancellationToken);
                Frame? frame;
                try
                {
                    frame = await inner.CaptureAsync(cancellationToken);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    throw;
                }
                catch (ImageDecodeException ex)
                {
                    // One bad frame says nothing about the device: count it, keep the source open.
                    ReportSkipped(ex.SourceName, ex.Reason, ex);
                    continue;
                }
                catch (Exception ex) when (IsRetryable(ex))
                {
                    await LoseAsync(ex, $"the source failed while capturing: {ex.Message}");
                    continue;
                }
                catch (Exception ex)
                {
                    throw await FailAsync($"the source reported an error that reopening cannot fix: {ex.Message}", ex);
                }

                if (frame is not { } f)
                {
                    return null;
                }

                _failures = 0;
                SetStatus(SourceStatus.Online(Time.GetUtcNow()));
                Interlocked.Increment(ref _delivered);
                return f with { Id = ++_lastId, SourceName = Name };
            }
        }

        protected override async ValueTask ReleaseAsync()
        {
            await DetachAsync();
        }

        private static bool IsRetryable(Exception ex) => ex switch
        {
            InvalidSettingException => false,
            CaptureException capture => capture.IsTransient,
            PlatformNotSupportedException or NotSupportedException => false,
            OutOfMemoryException => false,
            _ => true,
        };

        private async ValueTask<IFrameSource> ReopenAsync(CancellationToken cancellationToken)
        {
            while (true)
            {
                if (_failures > 0)
                {
                    if (Policy.MaxAttempts is { } max && _failures > max)
                    {
                        throw await FailAsync($"it could not be reopened in {max} attempts; the last error: {_lastReason} Check the cable and the device, then restart the source.", LastError);
                    }

                    var delay = Policy.GetDelay(_failures, NextJitterSample());

                    // The delay starts before the status is published, so a test clock advanced on seeing the status always fires it.
                    var wait = Task.Delay(delay, Time, cancellationToken);
                    var now = Time.GetUtcNow();
                    SetStatus(SourceStatus.Reconnecting(_failures, now + delay, _lastReason, now));
                    await wait;
                }

                try
                {
                    var source = await _open(cancellationToken) ?? throw new InvalidOperationException("The open function returned no source.");
                    source.FrameSkipped += OnInnerFrameSkipped;
                    _inner = source;
                    if (_everOpened)
                    {
                        Interlocked.Increment(ref _reconnections);
                    }

                    _everOpened = true;
                    return source;
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    throw;
                }
                catch (Exception ex) when (IsRetryable(ex))
                {
                    LastError = ex;
                    _lastReason = $"the source could not be opened: {ex.Message}";
                    _failures++;
                }
                catch (Exception ex)
                {
                    throw await FailAsync($"the source cannot be opened: {ex.Message}", ex);
                }
            }
        }

        private async ValueTask LoseAsync(Exception error, string reason)
        {
            LastError = error;
            _lastReason = reason;
            _failures++;
            await DetachAsync();
        }

        private async ValueTask<CaptureException> FailAsync(string reason, Exception? error)
        {
            LastError = error ?? LastError;
            await DetachAsync();
            SetStatus(SourceStatus.Failed(reason, Time.GetUtcNow()));
            _failure = new CaptureException(Name, reason, isTransient: false, error);
            return _failure;
        }

        private async ValueTask DetachAsync()
        {
            if (_inner is not { } inner)
            {
                return;
            }

            _inner = null;
            inner.FrameSkipped -= OnInnerFrameSkipped;
            try
            {
                await inner.DisposeAsync();
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // A yanked-out device may fail to close; that must not stop the reconnection. Kept for the status report.
                LastError = ex;
            }
        }

        private void OnInnerFrameSkipped(object? sender, FrameSkippedEventArgs e) => ReportSkipped(e.Origin, e.Reason, e.Exception);

#pragma warning disable CA5394 // Jitter only spreads retries over time; it needs no cryptographic randomness.
        private static double NextJitterSample() => Random.Shared.NextDouble();
#pragma warning restore CA5394
    }
}
