using EdgeTransfer.Artifacts.Checkpoints;
using EdgeTransfer.Runtime.Capture;
using EdgeTransfer.Runtime.Lines;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeTransfer.Runtime.Inspection;

/// <summary>
/// The inspection loop: trigger → frame → <see cref="InspectionPipeline"/> → verdict → reject pulse for a rejected
/// part, events, the ring of recent verdicts, counters and stage latencies. A bad frame, a failed run or a
/// failing subscriber is counted and reported, and the loop goes on with the next frame.
/// </summary>
/// <remarks>
/// <para>
/// The loop runs on the thread pool from <see cref="Start"/> until <see cref="StopAsync"/>, disposal, or the end of a
/// finite source. Training runs elsewhere; a promoted or rolled-back head is put in service with
/// <see cref="SwapHead"/> between two frames.
/// </para>
/// <para>
/// Ownership: the loop owns only the <see cref="InspectionMetrics"/> it creates. The pipeline, source, trigger and
/// reject line stay the caller's, so that a new bundle's pipeline can replace the old one without reopening the camera.
/// Events are raised on the loop's thread: handlers must be quick (MQTT publishing queues, it does not send inline).
/// </para>
/// </remarks>
public sealed partial class InspectionLoop : IAsyncDisposable
{
    private readonly InspectionPipeline _pipeline;
    private readonly IFrameSource _source;
    private readonly ITrigger? _trigger;
    private readonly RejectLine? _rejectLine;
    private readonly InspectionLoopOptions _options;
    private readonly bool _ownsMetrics;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly VerdictRing _ring;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _stateLock = new();
    private TaskCompletionSource? _resume;
    private Task? _run;
    private int _disposed;
    private long _lastBeat;
    private int _waiting;

    /// <summary>Creates the loop (not started).</summary>
    /// <param name="pipeline">The stages (caller-owned).</param>
    /// <param name="source">Where frames come from (caller-owned).</param>
    /// <param name="trigger">What starts an inspection; null to inspect frames as fast as the source delivers them.</param>
    /// <param name="rejectLine">The reject output; null when verdicts are only reported (<c>reject.kind</c> = <c>none</c>).</param>
    /// <param name="options">Loop settings; defaults when null.</param>
    /// <param name="metrics">Where figures are counted (caller-owned); a new set (owned) when null.</param>
    /// <param name="logger">Where errors are logged; none when null.</param>
    /// <param name="timeProvider">The clock for the capture retry delay; <see cref="TimeProvider.System"/> when null.</param>
    public InspectionLoop(
        InspectionPipeline pipeline,
        IFrameSource source,
        ITrigger? trigger = null,
        RejectLine? rejectLine = null,
        InspectionLoopOptions? options = null,
        InspectionMetrics? metrics = null,
        ILogger<InspectionLoop>? logger = null,
        TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        ArgumentNullException.ThrowIfNull(source);
        _options = options ?? new InspectionLoopOptions();
        _options.Validate();
        _pipeline = pipeline;
        _source = source;
        _trigger = trigger;
        _rejectLine = rejectLine;
        _ownsMetrics = metrics is null;
        Metrics = metrics ?? new InspectionMetrics(pipeline.Bundle.Classes);
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _time = timeProvider ?? TimeProvider.System;
        _ring = new VerdictRing(_options.RecentVerdicts);
        _source.FrameSkipped += OnFrameSkipped;
    }

    /// <summary>Raised for every verdict, on the loop's thread.</summary>
    public event EventHandler<VerdictEventArgs>? VerdictReady;

    /// <summary>Raised for every error (the loop went on), on the loop's thread (or the source's, for skipped frames).</summary>
    public event EventHandler<InspectionErrorEventArgs>? Error;

    /// <summary>The counters and latency windows.</summary>
    public InspectionMetrics Metrics { get; }

    /// <summary>Whether the loop is paused.</summary>
    public bool IsPaused => Volatile.Read(ref _resume) is not null;

    /// <summary>Whether the loop is running (started, not yet ended).</summary>
    public bool IsRunning => _run is { IsCompleted: false };

    /// <summary>Completes when the loop has ended (stopped, disposed, or a finite source ran out); faults only on a bug.</summary>
    public Task Completion => _run ?? Task.CompletedTask;

    /// <summary>The version name of the head in service.</summary>
    public string HeadVersion => _pipeline.HeadVersion;

    /// <summary>The most recent verdicts, oldest first (a copy).</summary>
    public IReadOnlyList<Verdict> RecentVerdicts => _ring.Snapshot();

    /// <summary>A copy of the last inspected frame (id, features, thumbnail, verdict) for <c>label</c> commands, or null before the first.</summary>
    public LastFrame? LastFrame => _pipeline.GetLastFrame();

    /// <summary>Starts the loop.</summary>
    /// <exception cref="InvalidOperationException">It was started before.</exception>
    public void Start()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        lock (_stateLock)
        {
            if (_run is not null)
            {
                throw new InvalidOperationException("The inspection loop was already started; create a new one to start again.");
            }

            Volatile.Write(ref _lastBeat, _time.GetTimestamp());
            _run = Task.Run(() => RunAsync(_stop.Token));
        }
    }

    /// <summary>Stops taking frames after the one in progress; idempotent. The reject line keeps pulses already queued.</summary>
    public void Pause()
    {
        lock (_stateLock)
        {
            if (_resume is null)
            {
                Volatile.Write(ref _resume, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
                LogPaused(_logger);
            }
        }
    }

    /// <summary>Takes frames again; idempotent.</summary>
    public void Resume()
    {
        lock (_stateLock)
        {
            if (_resume is { } resume)
            {
                Volatile.Write(ref _resume, null);
                resume.TrySetResult();
                LogResumed(_logger);
            }
        }
    }

    /// <summary>Puts a new head in service between two frames (see <see cref="InspectionPipeline.SwapHead"/>).</summary>
    /// <param name="head">The new head.</param>
    /// <param name="version">Its version name.</param>
    /// <exception cref="EdgeTransferException">The head does not fit the bundle; the old head stays.</exception>
    public void SwapHead(HeadCheckpoint head, string version)
    {
        _pipeline.SwapHead(head, version);
        LogHeadSwapped(_logger, version);
    }

    /// <summary>
    /// Whether the loop has shown within <paramref name="window"/> that it is not wedged: it began a new frame, or it
    /// is waiting for a trigger or a resume (an idle line is not a stalled loop), or it is not running at all. A source
    /// that never returns a frame (a frozen camera driver) makes it false once <paramref name="window"/> has passed:
    /// the service's watchdog stops being fed and the service manager restarts the program.
    /// </summary>
    /// <param name="window">How long one frame may take at most.</param>
    public bool MadeProgressWithin(TimeSpan window) =>
        !IsRunning || Volatile.Read(ref _waiting) != 0 || _time.GetElapsedTime(Volatile.Read(ref _lastBeat)) <= window;

    /// <summary>A snapshot of the figures.</summary>
    public InspectionStatistics GetStatistics() => new(
        Metrics.Frames,
        Metrics.Errors,
        Metrics.Rejects,
        Metrics.VerdictsByClass,
        Metrics.VerdictsByOutcome,
        Metrics.ErrorsByKind,
        Enum.GetValues<InspectionStage>().ToDictionary(s => s, s => Metrics.Latency(s).Summarize()),
        IsPaused,
        HeadVersion);

    /// <summary>Stops the loop after the frame in progress and waits for it to end.</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        if (_run is { } run)
        {
            await run;
        }
    }

    /// <summary>Stops the loop and releases what it owns. Safe to call more than once.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await StopAsync();
        _source.FrameSkipped -= OnFrameSkipped;
        _stop.Dispose();
        if (_ownsMetrics)
        {
            Metrics.Dispose();
        }
    }

    // Marks the loop idle (not stalled) while it waits for something outside it: a part on the line, a resume.
    private async ValueTask WaitingAsync(ValueTask wait)
    {
        Volatile.Write(ref _waiting, 1);
        try
        {
            await wait;
        }
        finally
        {
            Volatile.Write(ref _waiting, 0);
            Volatile.Write(ref _lastBeat, _time.GetTimestamp());
        }
    }

    private async Task RunAsync(CancellationToken token)
    {
        if (_options.WarmUp)
        {
            try
            {
                _pipeline.WarmUp();
            }
            catch (EdgeTransferException ex)
            {
                Report(InspectionErrorKind.Inference, null, $"The warm-up run of the backbone failed: {ex.Message}", ex);
            }
        }

        try
        {
            while (!token.IsCancellationRequested)
            {
                Volatile.Write(ref _lastBeat, _time.GetTimestamp());
                if (Volatile.Read(ref _resume) is { } resume)
                {
                    await WaitingAsync(new ValueTask(resume.Task.WaitAsync(token)));
                    continue;
                }

                if (_trigger is not null)
                {
                    await WaitingAsync(_trigger.WaitAsync(token));
                    if (IsPaused)
                    {
                        // Paused while waiting: this trigger's part passes uninspected, as any part does during a pause.
                        continue;
                    }
                }

                Frame? captured;
                try
                {
                    captured = await _source.CaptureAsync(token);
                }
                catch (CaptureException ex)
                {
                    Report(InspectionErrorKind.Capture, null, $"Source '{_source.Name}' delivered no frame: {ex.Message} Retrying in {_options.CaptureRetryDelay.TotalMilliseconds:0} ms.", ex);
                    await Task.Delay(_options.CaptureRetryDelay, _time, token);
                    continue;
                }

                if (captured is not { } frame)
                {
                    LogSourceEnded(_logger, _source.Name);
                    return;
                }

                InspectOne(frame);
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // Stopped.
        }
        catch (ObjectDisposedException) when (token.IsCancellationRequested)
        {
            // The trigger or source was disposed while stopping.
        }
    }

    private void InspectOne(in Frame frame)
    {
        Verdict verdict;
        try
        {
            verdict = _pipeline.Inspect(frame);
        }
        catch (ImageDecodeException ex)
        {
            Report(InspectionErrorKind.CorruptFrame, frame.Id, ex.Message, ex);
            return;
        }
        catch (EdgeTransferException ex)
        {
            Report(InspectionErrorKind.Inference, frame.Id, ex.Message, ex);
            return;
        }

        Metrics.RecordVerdict(verdict, decoded: false);
        if (verdict.Rejects)
        {
            RejectPart(verdict);
        }

        _ring.Add(verdict);
        try
        {
            VerdictReady?.Invoke(this, new VerdictEventArgs(verdict));
        }
#pragma warning disable CA1031 // A subscriber's bug must not stop the line; it is counted and logged with its exception.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Report(InspectionErrorKind.Subscriber, frame.Id, $"A verdict subscriber failed: {ex.Message}", ex);
        }
    }

    private void RejectPart(Verdict verdict)
    {
        if (_rejectLine is null)
        {
            return;
        }

        Metrics.RecordReject();
        try
        {
            if (!_rejectLine.Reject())
            {
                Report(InspectionErrorKind.Reject, verdict.FrameId, $"The reject queue is full: frame {verdict.FrameId} ({verdict.ClassName}) was not rejected; check the ejector timing against the line rate.", null);
            }
        }
        catch (EdgeTransferException ex)
        {
            Report(InspectionErrorKind.Reject, verdict.FrameId, ex.Message, ex);
        }
    }

    private void OnFrameSkipped(object? sender, FrameSkippedEventArgs e) =>
        Report(InspectionErrorKind.SkippedFrame, null, $"Source '{e.SourceName}' skipped a frame from {e.Origin}: {e.Reason}", e.Exception);

    private void Report(InspectionErrorKind kind, long? frameId, string message, Exception? exception)
    {
        Metrics.RecordError(kind);
        LogFrameError(_logger, kind, frameId, message, exception);
        if (kind == InspectionErrorKind.Subscriber)
        {
            // Not re-raised: a failing error subscriber would otherwise report itself forever.
            return;
        }

        try
        {
            Error?.Invoke(this, new InspectionErrorEventArgs(kind, frameId, message, exception));
        }
#pragma warning disable CA1031 // Same as for verdict subscribers: the loop goes on.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Metrics.RecordError(InspectionErrorKind.Subscriber);
            LogFrameError(_logger, InspectionErrorKind.Subscriber, frameId, $"An error subscriber failed: {ex.Message}", ex);
        }
    }

    [LoggerMessage(EventId = 2101, Level = LogLevel.Warning, Message = "Inspection error ({Kind}) on frame {FrameId}: {Message}")]
    private static partial void LogFrameError(ILogger logger, InspectionErrorKind kind, long? frameId, string message, Exception? exception);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Information, Message = "Inspection paused.")]
    private static partial void LogPaused(ILogger logger);

    [LoggerMessage(EventId = 2103, Level = LogLevel.Information, Message = "Inspection resumed.")]
    private static partial void LogResumed(ILogger logger);

    [LoggerMessage(EventId = 2104, Level = LogLevel.Information, Message = "Head {Version} is in service for inspection.")]
    private static partial void LogHeadSwapped(ILogger logger, string version);

    [LoggerMessage(EventId = 2105, Level = LogLevel.Information, Message = "Source '{Source}' has no more frames; inspection ended.")]
    private static partial void LogSourceEnded(ILogger logger, string source);
}
