using EdgeTransfer.Agent.Anomaly;
using EdgeTransfer.Agent.Publishing;
using EdgeTransfer.Agent.Replies;
using EdgeTransfer.Mqtt.Client;
using EdgeTransfer.Mqtt.Commands;
using EdgeTransfer.Mqtt.Protocol;

namespace EdgeTransfer.Agent.Commands;

/// <summary>
/// The <c>status</c> command: what runs (versions, head, anomaly model), inspection totals, the sample store, the
/// outbox, the run-time settings and the validation behind the head in service.
/// </summary>
/// <param name="hosts">The host in service.</param>
/// <param name="connection">The broker connection (for its outbox figures).</param>
/// <param name="status">Describes the versions.</param>
/// <param name="settings">The run-time settings.</param>
/// <param name="totals">The inspection counters since the program started.</param>
/// <param name="runs">The training runs.</param>
/// <param name="validations">The validation matrices of promoted heads.</param>
/// <param name="anomaly">The anomaly model and fits.</param>
internal sealed class StatusCommand(
    HostInService hosts,
    MqttConnection connection,
    StatusPublisher status,
    AgentSettings settings,
    InspectionTotals totals,
    TrainingRuns runs,
    HeadValidations validations,
    AnomalyFits anomaly) : AgentCommand<StatusRequest>("status", ProtocolJsonContext.Default.StatusRequest)
{
    /// <inheritdoc/>
    public override ValueTask<CommandResult> HandleAsync(StatusRequest request, CommandContext context, CancellationToken cancellationToken) =>
        Reply(Build(), AgentJsonContext.Default.StatusReport);

    /// <summary>The device's state as the command reports it.</summary>
    public StatusReport Build()
    {
        var host = hosts.Current;
        var head = host.Heads.Current;
        var store = host.Samples.Statistics;
        var loop = host.Loop;
        var inspected = totals.Of(loop?.GetStatistics());
        var source = host.Source?.Status;
        var outbox = connection.Outbox!.Statistics;
        return new StatusReport
        {
            Versions = status.Versions(host),
            ExecutionProvider = StatusPublisher.ProviderName(host.Pipeline.Backbone.ExecutionProvider),
            Classes = host.Bundle.Classes,
            Head = head is null ? null : new HeadReport
            {
                Version = head.Number,
                Name = head.Name,
                Source = head.Source.ToString().ToLowerInvariant(),
                Accuracy = TrainingRuns.Finite(head.Metrics?.ValidationAccuracy),
                ValidationSamples = head.Metrics?.ValidationSamples,
                Previous = host.Heads.Previous?.Number,
            },
            StoreSamples = store.TotalSamples,
            StoreBytes = store.DiskBytes,
            StoreByClass = store.CountsByClass.ToDictionary(StringComparer.Ordinal),
            Inspection = loop is null ? null : new InspectionReport
            {
                Frames = inspected.Frames,
                Rejected = inspected.Rejects,
                Errors = inspected.Errors,
                Paused = loop.IsPaused,
                Verdicts = inspected.Verdicts,
                LatencyMs = inspected.Latency,
            },
            Source = source?.State.ToString().ToLowerInvariant(),
            SourceReason = source?.Reason,
            Collecting = host.CollectingLabel,
            TrainingRun = runs.RunId,
            OutboxMessages = outbox.Count,
            OutboxDropped = outbox.Dropped,
            Config = settings.Describe(host),
            Validation = head is null ? null : validations.Of(host, head.Number),
            Anomaly = anomaly.Report(host),
        };
    }
}
