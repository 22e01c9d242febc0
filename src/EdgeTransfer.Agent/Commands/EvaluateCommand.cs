using System.Globalization;
using System.Text.Json;
using EdgeTransfer.Mqtt.Commands;
using EdgeTransfer.Mqtt.Protocol;
using EdgeTransfer.Runtime.Evaluation;
using EdgeTransfer.Runtime.Hosting;

namespace EdgeTransfer.Agent.Commands;

/// <summary>
/// The <c>evaluate</c> command: a stored head on the stored samples it was never trained on
/// (<see cref="StoredSampleEvaluator"/>). A head the device does not hold, a head that records no training samples,
/// or no sample left to evaluate on are <c>not_found</c> errors whose message says what to do.
/// </summary>
/// <param name="hosts">The host in service.</param>
internal sealed class EvaluateCommand(HostInService hosts) : AgentCommand<EvaluateRequest>("evaluate", ProtocolJsonContext.Default.EvaluateRequest)
{
    /// <inheritdoc/>
    public override ValueTask<CommandResult> HandleAsync(EvaluateRequest request, CommandContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult(Run(hosts.Current, request));

    /// <summary>Evaluates and replies with the <see cref="EvaluationReport"/>.</summary>
    /// <param name="host">The device.</param>
    /// <param name="request">The validated request.</param>
    /// <exception cref="CommandException">The head or the samples cannot be evaluated.</exception>
    private static CommandResult Run(DeviceHost host, EvaluateRequest request)
    {
        var heads = host.Heads;
        var version = request.HeadVersion is { } number
            ? heads.Versions.FirstOrDefault(v => v.Number == number)
                ?? throw new CommandException(
                    CommandErrorCodes.NotFound,
                    "headVersion",
                    string.Create(CultureInfo.InvariantCulture, $"headVersion: there is no head {number} on this device; it holds {string.Join(", ", heads.Versions.Select(v => v.Number == heads.Current?.Number ? $"{v.Number} (in service)" : v.Number.ToString(CultureInfo.InvariantCulture)))}."))
            : heads.Current ?? throw new CommandException(CommandErrorCodes.NotFound, null, "The device has no head in service to evaluate.");
        try
        {
            var report = StoredSampleEvaluator.Evaluate(host.Bundle.BundleId, head => host.Bundle.CreateHeadPredictor(head), heads, version, host.Samples.ReadAll(), host.Pipeline.Policy);
            // The report's own JSON contract, so the reply reads exactly like 'evaluate --json' (undefined figures are null).
            using var json = JsonDocument.Parse(report.ToJson());
            return CommandResult.Of(json.RootElement.Clone(), AgentJsonContext.Default.JsonElement);
        }
        catch (InvalidOperationException ex)
        {
            throw new CommandException(CommandErrorCodes.NotFound, null, ex.Message, ex);
        }
    }
}
