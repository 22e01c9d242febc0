namespace EdgeTransfer.Runtime.Learning;

/// <summary>
/// Tracks the best epoch on the validation samples and says when to stop: after <c>patience</c> epochs without
/// a better score (0 = never stop early).
/// </summary>
internal sealed class EarlyStopping(EarlyStoppingMetric metric, int patience, bool keepBest)
{
    private double _bestLoss = double.PositiveInfinity;
    private double _bestAccuracy = double.NegativeInfinity;

    /// <summary>The best epoch so far (0 before the first).</summary>
    public int BestEpoch { get; private set; }

    public Training.EpochDecision Observe(int epoch, double loss, double accuracy)
    {
        var better = metric == EarlyStoppingMetric.ValidationLoss
            ? loss < _bestLoss
            : accuracy > _bestAccuracy || (accuracy == _bestAccuracy && loss < _bestLoss);
        if (better)
        {
            _bestLoss = loss;
            _bestAccuracy = accuracy;
            BestEpoch = epoch;
        }

        var stop = patience > 0 && epoch - BestEpoch >= patience;
        return new Training.EpochDecision(better && keepBest, stop);
    }
}
