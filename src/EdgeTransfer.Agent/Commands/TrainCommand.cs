using System.Globalization;
using EdgeTransfer.Agent.Anomaly;
using EdgeTransfer.Agent.Replies;
using EdgeTransfer.Mqtt.Commands;
using EdgeTransfer.Mqtt.Protocol;
using EdgeTransfer.Runtime.Learning;

namespace EdgeTransfer.Agent.Commands;

/// <summary>
/// The <c>train</c> command: checks that nothing else trains or fits, applies the request's values over the
/// <c>training</c> section of <c>device.json</c>, validates them, and starts a run (<see cref="TrainingRuns"/>)
/// whose result arrives later on the <c>training</c> topic.
/// </summary>
/// <param name="hosts">The host in service.</param>
/// <param name="runs">The training runs.</param>
/// <param name="anomaly">The anomaly fits (a fit and a training share the cores; one at a time).</param>
internal sealed class TrainCommand(HostInService hosts, TrainingRuns runs, AnomalyFits anomaly) : AgentCommand<TrainRequest>("train", ProtocolJsonContext.Default.TrainRequest)
{
    /// <inheritdoc/>
    public override ValueTask<CommandResult> HandleAsync(TrainRequest request, CommandContext context, CancellationToken cancellationToken)
    {
        var host = hosts.Current;
        if (runs.RunId is not null || host.IsTraining)
        {
            throw new CommandException(CommandErrorCodes.Busy, null, $"A training run ({runs.RunId ?? "started locally"}) is in progress; wait for its result on the training topic, then send train again.");
        }

        if (anomaly.FitRunId is { } fitting)
        {
            throw new CommandException(CommandErrorCodes.Busy, null, $"Anomaly fit {fitting} is in progress; wait for its fit-result on the training topic, then send train again.");
        }

        if (request.Seed > int.MaxValue)
        {
            throw new CommandException(CommandErrorCodes.OutOfRange, "seed", string.Create(CultureInfo.InvariantCulture, $"seed: expected a whole number from 0 to {int.MaxValue}, got {request.Seed}."));
        }

        var options = OnDeviceTrainerOptions.FromTrainingOptions(host.Options.Training);
        options.Epochs = request.Epochs ?? options.Epochs;
        options.LearningRate = request.LearningRate ?? options.LearningRate;
        options.BatchSize = request.BatchSize ?? options.BatchSize;
        options.WeightDecay = request.WeightDecay ?? options.WeightDecay;
        options.ValidationFraction = request.ValidationFraction ?? options.ValidationFraction;
        options.Seed = (int)(request.Seed ?? options.Seed);
        try
        {
            options.Validate();
        }
        catch (InvalidSettingException ex)
        {
            throw new CommandException(CommandErrorCodes.OutOfRange, null, ex.Message, ex);
        }

        var samples = host.Samples.Count;
        var runId = runs.Start(host, options);
        return Reply(new TrainAccepted { RunId = runId, Epochs = options.Epochs, LearningRate = options.LearningRate, BatchSize = options.BatchSize, Samples = samples }, AgentJsonContext.Default.TrainAccepted);
    }
}
