using EdgeTransfer.Mqtt.Protocol;

namespace EdgeTransfer.LineConsole.Model;

/// <summary>
/// The dashboard's view of the current (or last) training run, built from its progress and result messages. Not
/// thread-safe: <see cref="DashboardModel"/> holds its lock around every call.
/// </summary>
internal sealed class TrainingRun
{
    private readonly List<double?> _losses = [];
    private readonly List<double?> _accuracies = [];
    private TrainingView? _training;

    public void Progress(TrainingProgressMessage progress)
    {
        StartIfNew(progress.RunId);
        SetAt(_losses, progress.Epoch, double.IsFinite(progress.Loss) ? progress.Loss : null);
        SetAt(_accuracies, progress.Epoch, progress.Accuracy);
        _training = _training! with { Epoch = Math.Max(_training.Epoch, progress.Epoch), Epochs = progress.Epochs };
    }

    /// <summary>Ends the run with <paramref name="result"/>.</summary>
    /// <returns>The outcome as the dashboard names it.</returns>
    public string Result(TrainingResult result)
    {
        var outcome = result.Outcome switch
        {
            PromotionOutcome.Promoted => "promoted",
            PromotionOutcome.Rejected => "rejected",
            _ => "failed",
        };
        StartIfNew(result.RunId);
        _training = _training! with { Result = new TrainingOutcomeView(outcome, result.HeadVersion, result.Accuracy, result.Loss, result.DurationSeconds, result.Reason) };
        return outcome;
    }

    public TrainingView? Snapshot() => _training is null ? null : _training with
    {
        Losses = [.. _losses.OfType<double>()],
        Accuracies = [.. _accuracies.OfType<double>()],
    };

    private void StartIfNew(string runId)
    {
        if (_training?.RunId == runId)
        {
            return;
        }

        _training = new TrainingView { RunId = runId };
        _losses.Clear();
        _accuracies.Clear();
    }

    private static void SetAt(List<double?> values, int epoch, double? value)
    {
        while (values.Count < epoch)
        {
            values.Add(null);
        }

        // Set, not append: a redelivered epoch replaces itself.
        values[epoch - 1] = value;
    }
}
