using System.Globalization;
using EdgeTransfer.Agent.Anomaly;
using EdgeTransfer.Agent.Publishing;
using EdgeTransfer.Agent.Replies;
using EdgeTransfer.Mqtt.Commands;
using EdgeTransfer.Mqtt.Protocol;

namespace EdgeTransfer.Agent.Commands;

/// <summary>
/// The <c>rollback</c> command: puts the previous head back in service (as a copy under a new number), or with
/// <c>"anomaly": true</c> the previous anomaly model. Refused while a training run is in progress.
/// </summary>
/// <param name="hosts">The host in service.</param>
/// <param name="runs">The training runs.</param>
/// <param name="anomaly">Rolls the anomaly model back.</param>
/// <param name="validations">The validation matrices, copied to the restored head.</param>
/// <param name="status">Publishes the status after a rollback.</param>
internal sealed class RollbackCommand(HostInService hosts, TrainingRuns runs, AnomalyFits anomaly, HeadValidations validations, StatusPublisher status)
    : AgentCommand<RollbackRequest>("rollback", ProtocolJsonContext.Default.RollbackRequest)
{
    /// <inheritdoc/>
    public override async ValueTask<CommandResult> HandleAsync(RollbackRequest request, CommandContext context, CancellationToken cancellationToken)
    {
        if (request.Anomaly == true)
        {
            return await anomaly.RollbackAsync();
        }

        var host = hosts.Current;
        if (runs.RunId is { } running)
        {
            throw new CommandException(CommandErrorCodes.Busy, null, $"Training run {running} is in progress; roll back after its result.");
        }

        var current = host.Heads.Current
            ?? throw new CommandException(CommandErrorCodes.NotFound, null, "The device has no head in service to roll back from.");
        if (request.HeadVersion == current.Number)
        {
            return CommandResult.Of(new RollbackResult { HeadVersion = current.Number, Name = current.Name, Changed = false }, AgentJsonContext.Default.RollbackResult);
        }

        var previous = host.Heads.Previous;
        if (previous is null || (request.HeadVersion is { } wanted && wanted != previous.Number))
        {
            var what = previous is null ? "there is no previous head" : $"a rollback restores {previous.Name}";
            throw new CommandException(CommandErrorCodes.NotFound, request.HeadVersion is null ? null : "headVersion", string.Create(CultureInfo.InvariantCulture, $"{(request.HeadVersion is { } v ? $"headVersion: {v} cannot be restored" : "Nothing to roll back to")}: {current.Name} is in service and {what}."));
        }

        var version = host.Rollback();
        if (version.RestoredFrom is { } restored)
        {
            // The restored head is a copy under a new number: the validation behind it is the original's.
            validations.Copy(host, restored, version.Number);
        }

        await status.PublishAsync();
        return CommandResult.Of(new RollbackResult { HeadVersion = version.Number, Name = version.Name, RestoredFrom = version.RestoredFrom, Changed = true }, AgentJsonContext.Default.RollbackResult);
    }
}
