using EdgeTransfer.Mqtt.Protocol;
using EdgeTransfer.Runtime.Inspection;

namespace EdgeTransfer.Agent.Publishing;

/// <summary>
/// Inspection counters since the program started, as telemetry and <c>status</c> report them: the loop in service
/// plus every loop a deployment retired, so that a bundle swap never makes a total go back. Thread-safe.
/// </summary>
internal sealed class InspectionTotals
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, long> _retiredVerdicts = new(StringComparer.Ordinal);
    private long _retiredFrames;
    private long _retiredRejects;
    private long _retiredErrors;

    /// <summary>The totals with the loop in service, and that loop's latency percentiles (null before its first frame).</summary>
    /// <param name="current">The figures of the loop in service, or null when the device does not inspect.</param>
    public (long Frames, long Rejects, long Errors, Dictionary<string, long> Verdicts, LatencyPercentiles? Latency) Of(InspectionStatistics? current)
    {
        lock (_lock)
        {
            var verdicts = new Dictionary<string, long>(_retiredVerdicts, StringComparer.Ordinal);
            foreach (var (name, count) in current?.VerdictsByClass ?? new Dictionary<string, long>())
            {
                verdicts[name] = verdicts.GetValueOrDefault(name) + count;
            }

            LatencyPercentiles? latency = null;
            if (current is not null && current.Latencies.TryGetValue(InspectionStage.Total, out var total) && double.IsFinite(total.P50))
            {
                latency = new LatencyPercentiles { P50 = Math.Round(total.P50, 2), P95 = Math.Round(total.P95, 2), P99 = Math.Round(total.P99, 2) };
            }

            return (_retiredFrames + (current?.Frames ?? 0), _retiredRejects + (current?.Rejects ?? 0), _retiredErrors + (current?.Errors ?? 0), verdicts, latency);
        }
    }

    /// <summary>Adds the final counts of a loop taken out of service.</summary>
    public void Retire(InspectionStatistics statistics)
    {
        lock (_lock)
        {
            _retiredFrames += statistics.Frames;
            _retiredRejects += statistics.Rejects;
            _retiredErrors += statistics.Errors;
            foreach (var (name, count) in statistics.VerdictsByClass)
            {
                _retiredVerdicts[name] = _retiredVerdicts.GetValueOrDefault(name) + count;
            }
        }
    }
}
