using EdgeTransfer.Agent.Anomaly;
using EdgeTransfer.Mqtt.Commands;
using EdgeTransfer.Mqtt.Protocol;

namespace EdgeTransfer.Agent.Commands;

/// <summary>The <c>fit</c> command: fits an anomaly model on the device's image folders in the background (<see cref="AnomalyCommands"/>).</summary>
/// <param name="anomaly">Runs the fits.</param>
internal sealed class FitCommand(AnomalyCommands anomaly) : AgentCommand<FitRequest>("fit", ProtocolJsonContext.Default.FitRequest)
{
    /// <inheritdoc/>
    public override ValueTask<CommandResult> HandleAsync(FitRequest request, CommandContext context, CancellationToken cancellationToken) =>
        anomaly.FitAsync(request, context, cancellationToken);
}
