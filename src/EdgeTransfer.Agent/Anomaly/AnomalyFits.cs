using System.Globalization;
using EdgeTransfer.Agent.Publishing;
using EdgeTransfer.Agent.Replies;
using EdgeTransfer.Mqtt.Commands;
using EdgeTransfer.Mqtt.Protocol;
using EdgeTransfer.Runtime.Anomaly;
using EdgeTransfer.Runtime.Anomaly.OnDevice;
using EdgeTransfer.Runtime.Anomaly.Registry;
using EdgeTransfer.Runtime.Hosting;
using Microsoft.Extensions.Logging;

namespace EdgeTransfer.Agent.Anomaly;

/// <summary>
/// The anomaly model fits that <c>fit</c> starts (a background fit with <c>fit-progress</c> and a <c>fit-result</c>
/// on the <c>training</c> topic, through the outbox), the anomaly model's <c>rollback</c> (<c>"anomaly": true</c>)
/// and the <c>anomaly</c> part of <c>status</c>. What goes wrong during a fit is a <c>failed</c> fit result; the
/// model in service is untouched.
/// </summary>
/// <param name="hosts">The host in service.</param>
/// <param name="outbox">Where progress and results are stored.</param>
/// <param name="status">Publishes the status after a promotion or a rollback (it carries the anomaly version).</param>
/// <param name="logger">Where each result is logged.</param>
/// <param name="time">The clock of run ids and durations.</param>
/// <param name="stopping">Cancels a fit when the agent stops.</param>
internal sealed class AnomalyFits(HostInService hosts, OutboxWriter outbox, StatusPublisher status, ILogger logger, TimeProvider time, CancellationToken stopping)
{
    private BackgroundRun? _run;
    private int _runs;

    /// <summary>The fit in progress, or null.</summary>
    public string? FitRunId => BackgroundRun.IdWhileRunning(Volatile.Read(ref _run));

    /// <summary>Starts fitting on <paramref name="device"/> in the background; progress and result go to the <c>training</c> topic.</summary>
    /// <param name="device">The host in service, checked by the <c>fit</c> command.</param>
    /// <param name="goodFolder">The folder of good images.</param>
    /// <param name="defectFolder">The folder of defect images, or null.</param>
    /// <returns>The new fit's id.</returns>
    public string Start(DeviceHost device, string goodFolder, string? defectFolder)
    {
        var anomaly = device.Anomaly;
        var runId = string.Create(CultureInfo.InvariantCulture, $"f-{time.GetUtcNow():yyyyMMddHHmmss}-{Interlocked.Increment(ref _runs)}");
        var cancel = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        var run = new BackgroundRun(runId, cancel);
        var progress = new FitProgressSink(this, runId);
        var started = time.GetTimestamp();
        var fit = Task.Run(() => anomaly.Fit(goodFolder, defectFolder, progress, cancel.Token), CancellationToken.None);
        run.Completion = FinishAsync(run, fit, started);
        Volatile.Write(ref _run, run);
        return runId;
    }

    /// <summary>Handles <c>cmd/rollback</c> with <c>"anomaly": true</c>.</summary>
    public async ValueTask<CommandResult> RollbackAsync()
    {
        if (FitRunId is { } fitting)
        {
            throw new CommandException(CommandErrorCodes.Busy, null, $"Anomaly fit {fitting} is in progress; roll back after its fit-result.");
        }

        var anomaly = hosts.Current.Anomaly;
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

        await status.PublishAsync();
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

    private async Task FinishAsync(BackgroundRun run, Task<AnomalyFitOutcome> fit, long started)
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
                CopiesSetAside = result.CopiesSetAside,
                BankPatches = result.BankPatches,
                BankBytes = result.BankBytes,
                Threshold = Math.Round(result.Threshold.Value, 6),
                HeldOutFalseRejectRate = Math.Round(outcome.Gate.CandidateFalseRejectRate, 6),
                ImageAuroc = result.ImageAuroc is { } auroc ? Math.Round(auroc, 6) : null,
                DurationSeconds = Math.Round(time.GetElapsedTime(started).TotalSeconds, 3),
                Reason = outcome.Gate.Reason,
            };
            if (result.CopiesSetAside > 0)
            {
                AgentLog.FitCopiesSetAside(logger, run.RunId, result.CopiesSetAside, outcome.GoodImages, string.Join(", ", outcome.CopiesSetAside.Take(5)) + (outcome.CopiesSetAside.Count > 5 ? ", …" : ""));
            }

            AgentLog.FitEnded(logger, run.RunId, outcome.Promoted is null ? "kept by the quality gate" : "promoted", outcome.Gate.Reason);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            AgentLog.FitFailed(logger, ex, run.RunId);
            message = new FitResult
            {
                RunId = run.RunId,
                Outcome = PromotionOutcome.Failed,
                AnomalyModel = hosts.Current.Anomaly.Registry.Current?.Name,
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

        outbox.Enqueue(message, "the fit result could not be stored in the outbox");
        if (message.Outcome == PromotionOutcome.Promoted)
        {
            await status.PublishAsync();
        }
    }

    private void OnProgress(string runId, AnomalyFitProgress progress)
    {
        // Per image is too chatty for a fleet: the first and last step of each stage and every 10th in between.
        if (progress.Done != 1 && progress.Done != progress.Total && progress.Done % 10 != 0)
        {
            return;
        }

        outbox.Enqueue(
            new FitProgress { RunId = runId, Stage = progress.Stage.ToString().ToLowerInvariant(), Done = progress.Done, Total = progress.Total },
            "fit progress could not be stored in the outbox");
    }

    // Queues progress on the fit's thread, in order (Progress<T> would post to the pool and could reorder).
    private sealed class FitProgressSink(AnomalyFits owner, string runId) : IProgress<AnomalyFitProgress>
    {
        public void Report(AnomalyFitProgress value) => owner.OnProgress(runId, value);
    }
}
