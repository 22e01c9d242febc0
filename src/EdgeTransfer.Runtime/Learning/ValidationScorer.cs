using EdgeTransfer.Training;

namespace EdgeTransfer.Runtime.Learning;

/// <summary>
/// Validation loss and accuracy of a predictor's current parameters, in one inference run over all validation
/// samples with buffers reused from epoch to epoch.
/// </summary>
internal sealed class ValidationScorer(HeadPredictor predictor, FeatureSet validation)
{
    // −ln of a probability is capped here (≈ 69), so one confidently wrong sample gives a large but finite loss.
    private const double ProbabilityFloor = 1e-30;

    private readonly float[] _probabilities = new float[validation.Count * predictor.ClassCount];

    public (double Loss, double Accuracy) Score()
    {
        predictor.Predict(validation.Features.Span, _probabilities);
        var c = predictor.ClassCount;
        var labels = validation.Labels.Span;
        var loss = 0.0;
        var correct = 0;
        for (var r = 0; r < labels.Length; r++)
        {
            var row = _probabilities.AsSpan(r * c, c);
            var best = 0;
            for (var j = 1; j < c; j++)
            {
                if (row[j] > row[best])
                {
                    best = j;
                }
            }

            var label = (int)labels[r];
            correct += best == label ? 1 : 0;
            // NaN stays NaN through Math.Max's NaN propagation, so a broken head shows as a NaN loss.
            loss -= Math.Log(Math.Max(row[label], ProbabilityFloor));
        }

        return (loss / labels.Length, (double)correct / labels.Length);
    }
}
