using EdgeTransfer.Agent.Anomaly;
using EdgeTransfer.Agent.Commands;
using EdgeTransfer.Agent.Publishing;
using EdgeTransfer.Mqtt.Commands;
using EdgeTransfer.Mqtt.Deployment;
using EdgeTransfer.Runtime.Hosting;
using EdgeTransfer.Runtime.Inspection;
using Microsoft.Extensions.Logging;

namespace EdgeTransfer.Agent.Deployment;

/// <summary>
/// Puts a bundle received by <c>deploy</c> in service: refuses while a training run or a fit is in progress, has
/// <see cref="BundleInstaller"/> prepare a slot and open a host on it, swaps that host in for the old one (inspection,
/// events and counters move over) and records the slot as active. Whatever fails before the swap leaves the old
/// bundle in service, inspecting as before.
/// </summary>
/// <param name="hosts">The host in service (replaced on success).</param>
/// <param name="slots">The slot side of a deployment.</param>
/// <param name="events">Listens to the verdicts of the loop in service.</param>
/// <param name="totals">Takes the counters of the retired loop.</param>
/// <param name="status">Publishes the status of the new bundle.</param>
/// <param name="training">The training runs (a deployment waits for the run's result).</param>
/// <param name="anomaly">The anomaly fits (likewise).</param>
/// <param name="options">How inspection starts on the new host.</param>
/// <param name="loggers">Given to the new host; may be null.</param>
/// <param name="time">Given to the new host.</param>
/// <param name="logger">Where installations and refusals are logged.</param>
internal sealed class DeploymentInstaller(
    HostInService hosts,
    BundleInstaller slots,
    InspectionEventPublisher events,
    InspectionTotals totals,
    StatusPublisher status,
    TrainingRuns training,
    AnomalyFits anomaly,
    DeviceAgentOptions options,
    ILoggerFactory? loggers,
    TimeProvider time,
    ILogger logger)
{
    /// <summary>Told after a new host went into service (the old one is disposed by then).</summary>
    public Action<HostReplacedEventArgs> Replaced { get; init; } = static _ => { };

    /// <summary>Installs <paramref name="received"/>; the <see cref="DeploymentReceiver"/>'s install step.</summary>
    /// <exception cref="CommandException">The bundle was refused or could not start; the old one stays in service.</exception>
    public async ValueTask<CommandResult> InstallAsync(ReceivedBundle received, CancellationToken cancellationToken)
    {
        var old = hosts.Current;
        if (training.RunId is not null || old.IsTraining || anomaly.FitRunId is not null)
        {
            throw new CommandException(CommandErrorCodes.Busy, null, $"A training run or anomaly fit is in progress on bundle {old.Bundle.BundleId}; deploy again after its result. Nothing was installed.");
        }

        PreparedSlot prepared;
        try
        {
            prepared = slots.Prepare(received, old, loggers, time);
        }
        catch (EdgeTransferException ex)
        {
            AgentLog.BundleRefused(logger, ex, received.DeploymentId, old.Bundle.BundleId, ex.Message);
            var code = ex is BundleException { Reason: var reason } && reason.Contains("sha256", StringComparison.OrdinalIgnoreCase)
                ? CommandErrorCodes.DigestMismatch
                : ex is BundleException ? CommandErrorCodes.InvalidValue : CommandErrorCodes.Failed;
            throw new CommandException(code, "bundle", $"The bundle of deployment '{received.DeploymentId}' was refused and {old.Bundle.BundleId} stays in service: {ex.Message}", ex);
        }

        var fresh = prepared.Host;
        var oldLoop = old.Loop;
        var inspecting = oldLoop is not null;
        events.Detach();
        await old.StopInspectionAsync();
        InspectionLoop? loop = null;
        try
        {
            if (inspecting)
            {
                loop = StartInspection(fresh);
            }
        }
        catch (Exception ex) when (ex is EdgeTransferException or InvalidOperationException)
        {
            // The new bundle opened but cannot inspect here (camera, GPIO): the old one goes back to work.
            await fresh.DisposeAsync();
            slots.Discard(prepared.Slot);
            _ = StartInspection(old);
            events.Attach(old);
            AgentLog.BundleRefused(logger, ex, received.DeploymentId, old.Bundle.BundleId, ex.Message);
            throw new CommandException(CommandErrorCodes.Failed, "bundle", $"The bundle of deployment '{received.DeploymentId}' could not start inspecting, so {old.Bundle.BundleId} was put back in service: {ex.Message}", ex);
        }

        if (oldLoop is not null)
        {
            totals.Retire(oldLoop.GetStatistics());
        }

        hosts.Replace(fresh);
        events.Attach(fresh);
        var outcome = slots.Commit(received, prepared, old);
        await old.DisposeAsync();

        // The bundle before stays on disk for a rollback, and so do slots kept for what they learned; others go.
        outcome = outcome with { Inspecting = loop is not null, Removed = slots.RemoveUnreferenced(fresh) };
        AgentLog.BundleInstalled(logger, fresh.Bundle.BundleId, prepared.Slot, old.Bundle.BundleId);
        Replaced(new HostReplacedEventArgs(old.Bundle.BundleId, fresh));
        await status.PublishAsync();
        return CommandResult.Of(outcome, AgentJsonContext.Default.DeployOutcome);
    }

    private InspectionLoop StartInspection(DeviceHost host) => options.StartInspection?.Invoke(host) ?? host.StartInspection();
}
