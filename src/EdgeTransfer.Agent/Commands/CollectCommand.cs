using EdgeTransfer.Agent.Replies;
using EdgeTransfer.Mqtt.Commands;
using EdgeTransfer.Mqtt.Protocol;

namespace EdgeTransfer.Agent.Commands;

/// <summary>The <c>collect</c> command: labels the next inspected frames with one class (or <c>auto</c>), or stops doing so.</summary>
/// <param name="hosts">The host in service.</param>
internal sealed class CollectCommand(HostInService hosts) : AgentCommand<CollectRequest>("collect", ProtocolJsonContext.Default.CollectRequest)
{
    /// <inheritdoc/>
    public override ValueTask<CommandResult> HandleAsync(CollectRequest request, CommandContext context, CancellationToken cancellationToken)
    {
        var host = hosts.Current;
        if (request.Action == CollectAction.Stop)
        {
            var stored = host.StopCollecting();
            return Reply(new CollectResult { Action = "stop", Stored = stored, Samples = host.Samples.Count }, AgentJsonContext.Default.CollectResult);
        }

        BundleClasses.Require(host, request.Label!, allowAuto: true);
        if (host.Loop is null)
        {
            throw new CommandException(CommandErrorCodes.Failed, null, "Inspection is not running, so there are no frames to collect; start the device with 'run'.");
        }

        // The completion is not awaited: collection ends by itself at maxSamples, or by "stop".
        _ = host.StartCollecting(request.Label!, request.MaxSamples);
        return Reply(new CollectResult { Action = "start", Label = request.Label, MaxSamples = request.MaxSamples, Samples = host.Samples.Count }, AgentJsonContext.Default.CollectResult);
    }
}
