using EdgeTransfer.Agent.Anomaly;
using EdgeTransfer.Agent.Replies;
using EdgeTransfer.Mqtt.Commands;
using EdgeTransfer.Mqtt.Protocol;

namespace EdgeTransfer.Agent.Commands;

/// <summary>
/// The <c>fit</c> command: checks that nothing else trains or fits, then fits an anomaly model in the background
/// (<see cref="AnomalyFits"/>) whose <c>fit-result</c> arrives later on the <c>training</c> topic.
/// </summary>
/// <remarks>
/// The images come from the folders of <c>device.json</c> (<c>inspection.anomaly.goodImages</c>,
/// <c>defectImages</c>): a command never names a path. What can be checked before the fit starts (no folder, no
/// or too few good images, only defects, a bundle without patch features) is answered as an error reply.
/// </remarks>
/// <param name="hosts">The host in service.</param>
/// <param name="fits">The anomaly fits.</param>
/// <param name="training">The head training runs (a fit and a training share the cores; one at a time).</param>
internal sealed class FitCommand(HostInService hosts, AnomalyFits fits, TrainingRuns training) : AgentCommand<FitRequest>("fit", ProtocolJsonContext.Default.FitRequest)
{
    /// <inheritdoc/>
    public override ValueTask<CommandResult> HandleAsync(FitRequest request, CommandContext context, CancellationToken cancellationToken)
    {
        var device = hosts.Current;
        if (fits.FitRunId is { } fitting)
        {
            throw new CommandException(CommandErrorCodes.Busy, null, $"Anomaly fit {fitting} is in progress; wait for its fit-result on the training topic, then send fit again.");
        }

        var running = training.RunId;
        if (running is not null || device.IsTraining)
        {
            throw new CommandException(CommandErrorCodes.Busy, null, $"A training run ({running ?? "started locally"}) is in progress; fit after its result.");
        }

        var anomaly = device.Anomaly;
        if (anomaly.IsFitting)
        {
            throw new CommandException(CommandErrorCodes.Busy, null, "An anomaly fit started on the device itself is in progress; fit after it ends.");
        }

        if (!anomaly.BundleHasPatchFeatures)
        {
            throw new CommandException(CommandErrorCodes.Failed, null, $"Bundle {device.Bundle.BundleId} has no patch features, so no anomaly model can be fitted on it; prepare the bundle again with the default --patch-layers and deploy it. Nothing was changed.");
        }

        var (goodFolder, good, defectFolder, defects) = FitImages.Check(device.Options.Inspection.Anomaly, request.Defects != false);
        var runId = fits.Start(device, goodFolder, defectFolder);
        return Reply(new FitAccepted { RunId = runId, GoodImages = good, DefectImages = defects, InService = anomaly.Registry.Current?.Name }, AgentJsonContext.Default.FitAccepted);
    }
}
