using System.Globalization;
using System.Threading.Channels;
using EdgeTransfer.Agent.Anomaly;
using EdgeTransfer.Mqtt.Protocol;
using EdgeTransfer.Runtime.Hosting;
using EdgeTransfer.Runtime.Inspection;
using Microsoft.Extensions.Logging;

namespace EdgeTransfer.Agent.Publishing;

/// <summary>
/// The <c>events</c> topic: samples the verdicts of the loop in service (every N-th, every reject, as
/// <see cref="AgentSettings"/> says) into a bounded queue on the inspection thread, and a pump stores them in the
/// outbox. A full queue drops events (counted and logged) rather than slow the line down.
/// </summary>
/// <param name="outbox">Where the events are stored.</param>
/// <param name="settings">The sampling settings, changed at run time by <c>config</c>.</param>
/// <param name="logger">Where dropped events are logged.</param>
internal sealed class InspectionEventPublisher(OutboxWriter outbox, AgentSettings settings, ILogger logger)
{
    private const int QueueCapacity = 1024;
    private readonly Channel<InspectionEvent> _events = Channel.CreateBounded<InspectionEvent>(new BoundedChannelOptions(QueueCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.DropWrite });
    private InspectionLoop? _attached;
    private AnomalyVerdictCopy? _lastAnomaly;
    private Task _pump = Task.CompletedTask;
    private long _verdictCount;
    private long _dropped;

    /// <summary>The anomaly part of the last scored frame (for <c>preview</c>), or null.</summary>
    public AnomalyVerdictCopy? LastAnomaly => Volatile.Read(ref _lastAnomaly);

    /// <summary>Starts the pump that stores queued events; it ends after <see cref="CompleteAsync"/>.</summary>
    /// <param name="stopping">Once cancelled, drops are no longer logged (the shutdown drains the queue).</param>
    public void Start(CancellationToken stopping) => _pump = Task.Run(() => PumpAsync(stopping), CancellationToken.None);

    /// <summary>Listens to the verdicts of <paramref name="host"/>'s loop, if it inspects (one loop at a time).</summary>
    public void Attach(DeviceHost host)
    {
        if (host.Loop is { } loop && Interlocked.CompareExchange(ref _attached, loop, null) is null)
        {
            loop.VerdictReady += OnVerdict;
        }
    }

    /// <summary>Stops listening to the loop attached last.</summary>
    public void Detach()
    {
        if (Interlocked.Exchange(ref _attached, null) is { } loop)
        {
            loop.VerdictReady -= OnVerdict;
        }
    }

    /// <summary>Takes no more events and returns when the queued ones are stored.</summary>
    public Task CompleteAsync()
    {
        _events.Writer.TryComplete();
        return _pump;
    }

    // On the inspection thread: decide and queue, nothing slower (the outbox writes and fsyncs on the pump).
    private void OnVerdict(object? sender, VerdictEventArgs e)
    {
        var verdict = e.Verdict;
        if (verdict.Anomaly is { } scored)
        {
            Volatile.Write(ref _lastAnomaly, new AnomalyVerdictCopy(verdict.FrameId, scored));
        }

        var n = Interlocked.Increment(ref _verdictCount);
        var every = settings.EventsEvery;
        var publish = (verdict.Rejects && settings.EventsRejects) || (every > 0 && n % every == 0);
        if (!publish)
        {
            return;
        }

        var message = new InspectionEvent
        {
            FrameId = verdict.FrameId,
            Verdict = verdict.ClassName,
            Confidence = float.IsFinite(verdict.Confidence) ? Math.Round(verdict.Confidence, 4) : 0,
            Rejected = verdict.Rejects,
            LatencyMs = Math.Round(verdict.Latencies.Total.TotalMilliseconds, 2),
            HeadVersion = HeadNumber(verdict.HeadVersion),
            AnomalyScore = verdict.Anomaly is { } a ? Math.Round(a.Score, 4) : null,
            AnomalyThreshold = verdict.Anomaly is { } t ? Math.Round(t.Threshold, 6) : null,
            AnomalyModel = verdict.Anomaly?.ModelVersion,
            AnomalyMap = verdict.Anomaly is { Map: not null } m && settings.EventsAnomalyMap ? AnomalyVerdictCopy.Message(verdict.FrameId, m) : null,
        };
        if (!_events.Writer.TryWrite(message))
        {
            Interlocked.Increment(ref _dropped);
        }
    }

    private static long? HeadNumber(string version) =>
        version.Length > 1 && version[0] == 'v' && long.TryParse(version.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? number : null;

    private async Task PumpAsync(CancellationToken stopping)
    {
        long reported = 0;
        await foreach (var message in _events.Reader.ReadAllAsync(CancellationToken.None))
        {
            outbox.Enqueue(message, "an inspection event could not be stored in the outbox");
            var dropped = Interlocked.Read(ref _dropped);
            if (dropped != reported && !stopping.IsCancellationRequested)
            {
                AgentLog.EventsDropped(logger, dropped - reported);
                reported = dropped;
            }
        }
    }
}
