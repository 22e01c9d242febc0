using System.Globalization;
using EdgeTransfer.Agent.Publishing;
using EdgeTransfer.Agent.Replies;
using EdgeTransfer.Mqtt.Commands;
using EdgeTransfer.Mqtt.Protocol;
using EdgeTransfer.Runtime.Hosting;
using EdgeTransfer.Runtime.Learning;
using Microsoft.Extensions.Logging;
using ProtocolOutcome = EdgeTransfer.Mqtt.Protocol.PromotionOutcome;

namespace EdgeTransfer.Agent.Commands;

/// <summary>
/// The head training runs that <c>train</c> starts: the run in progress, each epoch's <c>progress</c> and the
/// <c>result</c> on the <c>training</c> topic (through the outbox, so an outage loses none), and a fresh retained
/// status after a promotion. One run at a time.
/// </summary>
/// <param name="hosts">The host in service.</param>
/// <param name="outbox">Where progress and results are stored.</param>
/// <param name="status">Publishes the status after a promotion.</param>
/// <param name="validations">Keeps the confusion matrix of each promoted head for <c>status</c>.</param>
/// <param name="logger">Where each result is logged.</param>
/// <param name="time">The clock of run ids and durations.</param>
/// <param name="stopping">Cancels a run when the agent stops.</param>
internal sealed class TrainingRuns(HostInService hosts, OutboxWriter outbox, StatusPublisher status, HeadValidations validations, ILogger logger, TimeProvider time, CancellationToken stopping)
{
    private BackgroundRun? _run;
    private int _runs;

    /// <summary>The run in progress, or null.</summary>
    public string? RunId => BackgroundRun.IdWhileRunning(Volatile.Read(ref _run));

    /// <summary>Starts training on <paramref name="host"/> with <paramref name="options"/> (validated) in the background.</summary>
    /// <param name="host">The host in service.</param>
    /// <param name="options">The run's settings.</param>
    /// <returns>The new run's id.</returns>
    /// <exception cref="CommandException">A <c>busy</c> reply: the host trains already.</exception>
    public string Start(DeviceHost host, OnDeviceTrainerOptions options)
    {
        var runId = string.Create(CultureInfo.InvariantCulture, $"r-{time.GetUtcNow():yyyyMMddHHmmss}-{Interlocked.Increment(ref _runs)}");
        var cancel = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        Task<OnDeviceTrainingResult> training;
        try
        {
            training = host.TrainAsync(options, new ProgressSink(this, runId), cancel.Token);
        }
        catch (InvalidOperationException ex)
        {
            cancel.Dispose();
            throw new CommandException(CommandErrorCodes.Busy, null, ex.Message, ex);
        }

        var run = new BackgroundRun(runId, cancel);
        run.Completion = FinishAsync(run, training, time.GetTimestamp());
        Volatile.Write(ref _run, run);
        return runId;
    }

    /// <summary>Waits for the run in progress to end (on shutdown it is cancelled through the stopping token).</summary>
    public Task WaitAsync() => Volatile.Read(ref _run)?.Completion ?? Task.CompletedTask;

    /// <summary>A figure as the protocol carries it: rounded, and null when it is not finite.</summary>
    public static double? Finite(double? value) => value is { } v && double.IsFinite(v) ? Math.Round(v, 6) : null;

    private async Task FinishAsync(BackgroundRun run, Task<OnDeviceTrainingResult> training, long started)
    {
        TrainingResult message;
        try
        {
            var result = await training;
            if (result is { Promoted: true, PromotedVersion: { } promoted, CandidateConfusion: { } confusion })
            {
                // Before the result is queued: a status asked for on seeing the result must already carry it.
                validations.Remember(hosts.Current, promoted.Number, confusion);
            }

            var lastEpoch = result.History.Count > 0 ? result.History[^1] : (Runtime.Learning.TrainingProgress?)null;
            message = new TrainingResult
            {
                RunId = run.RunId,
                Outcome = result.Outcome switch
                {
                    Runtime.Learning.TrainingOutcome.Promoted => ProtocolOutcome.Promoted,
                    Runtime.Learning.TrainingOutcome.KeptByQualityGate => ProtocolOutcome.Rejected,
                    _ => ProtocolOutcome.Failed,
                },
                HeadVersion = result.PromotedVersion?.Number ?? hosts.Current.Heads.Current?.Number,
                Accuracy = Finite(result.Candidate?.ValidationAccuracy),
                Loss = Finite(lastEpoch?.TrainLoss),
                DurationSeconds = Math.Round(result.Duration.TotalSeconds, 3),
                Reason = result.Reason,
            };
            AgentLog.TrainingEnded(logger, run.RunId, result.Outcome, result.Reason);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            AgentLog.TrainingFailed(logger, ex, run.RunId);
            message = new TrainingResult
            {
                RunId = run.RunId,
                Outcome = ProtocolOutcome.Failed,
                HeadVersion = hosts.Current.Heads.Current?.Number,
                DurationSeconds = Math.Round(time.GetElapsedTime(started).TotalSeconds, 3),
                Reason = ex is OperationCanceledException ? "The run was cancelled (the device is shutting down); the head in service is unchanged." : ex.Message,
            };
        }
        finally
        {
            run.Cancel.Dispose();
        }

        // Critical class: the outbox drops every telemetry and event before a training result.
        outbox.Enqueue(message, "the training result could not be stored in the outbox");
        if (message.Outcome == ProtocolOutcome.Promoted)
        {
            await status.PublishAsync();
        }
    }

    private void OnProgress(string runId, Runtime.Learning.TrainingProgress progress) =>
        outbox.Enqueue(
            new Mqtt.Protocol.TrainingProgressMessage
            {
                RunId = runId,
                Epoch = progress.Epoch,
                Epochs = progress.Epochs,
                Loss = Finite(progress.TrainLoss) ?? -1,
                Accuracy = Finite(progress.ValidationAccuracy),
            },
            "training progress could not be stored in the outbox");

    // Queues each epoch's progress on the training thread, in order (Progress<T> would post to the pool and could reorder).
    private sealed class ProgressSink(TrainingRuns owner, string runId) : IProgress<Runtime.Learning.TrainingProgress>
    {
        public void Report(Runtime.Learning.TrainingProgress value) => owner.OnProgress(runId, value);
    }
}
