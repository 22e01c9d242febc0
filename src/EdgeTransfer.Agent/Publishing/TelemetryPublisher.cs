using EdgeTransfer.Mqtt.Client;
using EdgeTransfer.Mqtt.Protocol;
using Microsoft.Extensions.Logging;

namespace EdgeTransfer.Agent.Publishing;

/// <summary>
/// The <c>telemetry</c> topic: inspection totals, CPU, memory, store and outbox figures every
/// <see cref="AgentSettings.TelemetryIntervalSeconds"/>, stored in the outbox so that an outage loses none.
/// </summary>
/// <param name="hosts">The host in service.</param>
/// <param name="connection">The broker connection (its outbox figures are reported too).</param>
/// <param name="settings">The interval, changed at run time by <c>config</c>.</param>
/// <param name="totals">The inspection counters since the program started.</param>
/// <param name="time">The clock of the interval and the uptime.</param>
/// <param name="logger">Where telemetry that could not be queued is logged.</param>
internal sealed class TelemetryPublisher(HostInService hosts, MqttConnection connection, AgentSettings settings, InspectionTotals totals, TimeProvider time, ILogger logger)
{
    // A short tick rather than one long delay, so that a new interval set by "config" applies at once.
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(250);
    private readonly long _startTimestamp = time.GetTimestamp();
    private readonly ProcessSampler _process = new(time);

    /// <summary>Queues a telemetry message now.</summary>
    /// <returns>The sequence number it got.</returns>
    public long PublishNow() => connection.Enqueue(Build()).Seq;

    /// <summary>Publishes at the configured interval until <paramref name="cancellationToken"/> is cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var last = time.GetTimestamp();
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(Tick, time, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            if (time.GetElapsedTime(last) < TimeSpan.FromSeconds(settings.TelemetryIntervalSeconds))
            {
                continue;
            }

            last = time.GetTimestamp();
            try
            {
                PublishNow();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidOperationException or ObjectDisposedException)
            {
                AgentLog.TelemetryFailed(logger, ex, ex.Message);
            }
        }
    }

    private TelemetryMessage Build()
    {
        var host = hosts.Current;
        var inspected = totals.Of(host.Loop?.GetStatistics());
        var (cpu, rss) = _process.Sample();
        var store = host.Samples.Statistics;
        var outbox = connection.Outbox!.Statistics;
        var anomaly = host.Anomaly.Registry.Current;
        return new TelemetryMessage
        {
            UptimeSeconds = Math.Round(time.GetElapsedTime(_startTimestamp).TotalSeconds, 1),
            Frames = inspected.Frames,
            Verdicts = inspected.Verdicts,
            Rejected = inspected.Rejects,
            LatencyMs = inspected.Latency,
            CpuPercent = cpu,
            RssBytes = rss,
            StoreSamples = store.TotalSamples,
            StoreBytes = store.DiskBytes,
            OutboxMessages = outbox.Count,
            OutboxDropped = outbox.Dropped,
            AnomalyModel = anomaly?.Name,
            AnomalyThreshold = anomaly is null ? null : Math.Round(anomaly.Threshold, 6),
        };
    }
}
