using System.Globalization;
using EdgeTransfer.Agent.Replies;
using EdgeTransfer.Mqtt.Client;
using EdgeTransfer.Mqtt.Commands;
using EdgeTransfer.Mqtt.Protocol;
using EdgeTransfer.Runtime.Anomaly;
using EdgeTransfer.Runtime.Anomaly.OnDevice;
using EdgeTransfer.Runtime.Anomaly.Registry;
using EdgeTransfer.Runtime.Hosting;
using Microsoft.Extensions.Logging;

namespace EdgeTransfer.Agent.Anomaly;

/// <summary>
/// The anomaly side of the agent: the <c>fit</c> command (checks, a background fit with <c>fit-progress</c> and a
/// <c>fit-result</c> on the <c>training</c> topic) and <c>rollback</c> with <c>"anomaly": true</c>.
/// </summary>
/// <remarks>
/// The images come from the folders of <c>device.json</c> (<c>inspection.anomaly.goodImages</c>,
/// <c>defectImages</c>): a command never names a path. What can be checked before the fit starts (no folder, no
/// or too few good images, only defects, a bundle without patch features) is answered as an error reply; what
/// goes wrong later is a <c>failed</c> fit result. Either way the model in service is untouched.
/// </remarks>
internal sealed class AnomalyCommands(Func<DeviceHost> host, MqttConnection connection, ILogger logger, TimeProvider time, CancellationToken stopping)
{
    private FitRun? _run;
    private int _runs;

    /// <summary>The fit in progress, or null.</summary>
    public string? FitRunId => Volatile.Read(ref _run) is { Completion.IsCompleted: false } run ? run.RunId : null;

    /// <summary>Told after a fit promoted a model or a rollback (the retained status carries the anomaly version).</summary>
    public Func<Task> ModelChanged { get; init; } = () => Task.CompletedTask;

    /// <summary>Whether a head training runs (a fit and a training share the cores; one at a time).</summary>
    public Func<string?> TrainingRunId { get; init; } = () => null;

    /// <summary>Handles <c>cmd/fit</c>.</summary>
    public ValueTask<CommandResult> FitAsync(FitRequest request, CommandContext context, CancellationToken cancellationToken)
    {
        var device = host();
        if (FitRunId is { } fitting)
        {
            throw new CommandException(CommandErrorCodes.Busy, null, $"Anomaly fit {fitting} is in progress; wait for its fit-result on the training topic, then send fit again.");
        }

        var training = TrainingRunId();
        if (training is not null || device.IsTraining)
        {
            throw new CommandException(CommandErrorCodes.Busy, null, $"A training run ({training ?? "started locally"}) is in progress; fit after its result.");
        }

        if (device.Anomaly.IsFitting)
        {
            throw new CommandException(CommandErrorCodes.Busy, null, "An anomaly fit started on the device itself is in progress; fit after it ends.");
        }

        var anomaly = device.Anomaly;
        if (!anomaly.BundleHasPatchFeatures)
        {
            throw new CommandException(CommandErrorCodes.Failed, null, $"Bundle {device.Bundle.BundleId} has no patch features, so no anomaly model can be fitted on it; prepare the bundle again with the default --patch-layers and deploy it. Nothing was changed.");
        }

        var (goodFolder, good, defectFolder, defects) = FitImages.Check(device.Options.Inspection.Anomaly, request.Defects != false);
        var runId = string.Create(CultureInfo.InvariantCulture, $"f-{time.GetUtcNow():yyyyMMddHHmmss}-{Interlocked.Increment(ref _runs)}");
        var cancel = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        var run = new FitRun(runId, cancel);
        var progress = new FitProgressSink(this, runId);
        var started = time.GetTimestamp();
        var fit = Task.Run(() => anomaly.Fit(goodFolder, defectFolder, progress, cancel.Token), CancellationToken.None);
        run.Completion = FinishAsync(run, fit, started);
        Volatile.Write(ref _run, run);
        return ValueTask.FromResult(CommandResult.Of(
            new FitAccepted { RunId = runId, GoodImages = good, DefectImages = defects, InService = anomaly.Registry.Current?.Name },
            AgentJsonContext.Default.FitAccepted));
    }

    /// <summary>Handles <c>cmd/rollback</c> with <c>"anomaly": true</c>.</summary>
    public async ValueTask<CommandResult> RollbackAsync()
    {
        if (FitRunId is { } fitting)
        {
            throw new CommandException(CommandErrorCodes.Busy, null, $"Anomaly fit {fitting} is in progress; roll back after its fit-result.");
        }

        var anomaly = host().Anomaly;
        AnomalyModelVersion version;
        try
        {
            version = anomaly.Rollback();
        }
        catch (AnomalyRegistryException ex)
        {
            var current = anomaly.Registry.Current?.Name;
            throw new CommandException(CommandErrorCodes.NotFound, null, $"Nothing to roll back to: {ex.Reason} {(current is null ? "No anomaly model is in service." : $"{current} stays in service.")}", ex);
        }
        catch (AnomalyModelException ex)
        {
            throw new CommandException(CommandErrorCodes.Failed, null, $"The anomaly model to restore is damaged ({ex.Reason}); the model in service stays.", ex);
        }

        await ModelChanged();
        return CommandResult.Of(
            new AnomalyRollbackResult { AnomalyModel = version.Name, RestoredFrom = version.RestoredFrom is { } r ? AnomalyModelRegistry.VersionName(r) : null, Threshold = version.Threshold },
            AgentJsonContext.Default.AnomalyRollbackResult);
    }

    /// <summary>Waits for the fit in progress (on shutdown it is cancelled through the stopping token).</summary>
    public Task WaitAsync() => Volatile.Read(ref _run)?.Completion ?? Task.CompletedTask;

    /// <summary>The <c>anomaly</c> part of <c>status</c>.</summary>
    public AnomalyReport Report(DeviceHost device)
    {
        var anomaly = device.Anomaly;
        var current = anomaly.Registry.Current;
        return new AnomalyReport
        {
            Mode = device.Options.Inspection.Mode.ToString().ToLowerInvariant(),
            Available = anomaly.BundleHasPatchFeatures,
            Version = current?.Name,
            Threshold = current is null ? null : Math.Round(current.Threshold, 6),
            BankPatches = current?.BankPatches,
            BankBytes = current?.BankBytes,
            HeldOutFalseRejectRate = current?.HeldOutFalseRejectRate,
            ImageAuroc = current?.ImageAuroc,
            Previous = current?.Previous is { } p ? AnomalyModelRegistry.VersionName(p) : null,
            FitRun = FitRunId,
        };
    }

    private async Task FinishAsync(FitRun run, Task<AnomalyFitOutcome> fit, long started)
    {
        FitResult message;
        try
        {
            var outcome = await fit;
            var result = outcome.Fit;
            message = new FitResult
            {
                RunId = run.RunId,
                Outcome = outcome.Promoted is null ? PromotionOutcome.Rejected : PromotionOutcome.Promoted,
                AnomalyModel = outcome.InService?.Name,
                GoodImages = outcome.GoodImages,
                DefectImages = outcome.DefectImages,
                BankPatches = result.BankPatches,
                BankBytes = result.BankBytes,
                Threshold = Math.Round(result.Threshold.Value, 6),
                HeldOutFalseRejectRate = Math.Round(outcome.Gate.CandidateFalseRejectRate, 6),
                ImageAuroc = result.ImageAuroc is { } auroc ? Math.Round(auroc, 6) : null,
                DurationSeconds = Math.Round(time.GetElapsedTime(started).TotalSeconds, 3),
                Reason = outcome.Gate.Reason,
            };
            AgentLog.FitEnded(logger, run.RunId, outcome.Promoted is null ? "kept by the quality gate" : "promoted", outcome.Gate.Reason);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            AgentLog.FitFailed(logger, ex, run.RunId);
            message = new FitResult
            {
                RunId = run.RunId,
                Outcome = PromotionOutcome.Failed,
                AnomalyModel = host().Anomaly.Registry.Current?.Name,
                DurationSeconds = Math.Round(time.GetElapsedTime(started).TotalSeconds, 3),
                Reason = ex switch
                {
                    OperationCanceledException => "The fit was cancelled (the device is shutting down); the anomaly model in service is unchanged.",
                    EdgeTransferException => ex.Message + " The anomaly model in service is unchanged.",
                    _ => "The fit failed unexpectedly (see the device log); the anomaly model in service is unchanged.",
                },
            };
        }
        finally
        {
            run.Cancel.Dispose();
        }

        Enqueue(message, "the fit result could not be stored in the outbox");
        if (message.Outcome == PromotionOutcome.Promoted)
        {
            await ModelChanged();
        }
    }

    private void OnProgress(string runId, AnomalyFitProgress progress)
    {
        // Per image is too chatty for a fleet: the first and last step of each stage and every 10th in between.
        if (progress.Done != 1 && progress.Done != progress.Total && progress.Done % 10 != 0)
        {
            return;
        }

        Enqueue(
            new FitProgress { RunId = runId, Stage = progress.Stage.ToString().ToLowerInvariant(), Done = progress.Done, Total = progress.Total },
            "fit progress could not be stored in the outbox");
    }

    private void Enqueue<T>(T message, string failure)
        where T : DeviceMessage
    {
        try
        {
            connection.Enqueue(message);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ObjectDisposedException)
        {
            AgentLog.TelemetryFailed(logger, ex, failure);
        }
    }

    private sealed class FitRun(string runId, CancellationTokenSource cancel)
    {
        public string RunId { get; } = runId;

        public CancellationTokenSource Cancel { get; } = cancel;

        public Task Completion { get; set; } = Task.CompletedTask;
    }

    // Queues progress on the fit's thread, in order (Progress<T> would post to the pool and could reorder).
    private sealed class FitProgressSink(AnomalyCommands owner, string runId) : IProgress<AnomalyFitProgress>
    {
        public void Report(AnomalyFitProgress value) => owner.OnProgress(runId, value);
    }
}
