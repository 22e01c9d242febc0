namespace EdgeTransfer.Training;

/// <summary>Measures a head on labelled features: accuracy and the per-class confusion matrix.</summary>
public static class HeadEvaluator
{
    /// <summary>Predicts every row (arg-max of the probabilities) and counts it against its label.</summary>
    /// <param name="predictor">The head to measure.</param>
    /// <param name="data">Labelled features (sample weights are ignored).</param>
    /// <param name="batchSize">Rows per inference run.</param>
    public static ConfusionMatrix Evaluate(HeadPredictor predictor, FeatureSet data, int batchSize = 256)
    {
        ArgumentNullException.ThrowIfNull(predictor);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        if (data.FeatureSize != predictor.FeatureSize)
        {
            throw new ArgumentException($"The features have size {data.FeatureSize} but the head takes {predictor.FeatureSize}.", nameof(data));
        }

        var c = predictor.ClassCount;
        var matrix = new ConfusionMatrix(c);
        var probabilities = new float[batchSize * c];
        var labels = data.Labels.Span;
        for (var first = 0; first < data.Count; first += batchSize)
        {
            var rows = Math.Min(batchSize, data.Count - first);
            var output = probabilities.AsSpan(0, rows * c);
            predictor.Predict(data.Features.Span.Slice(first * data.FeatureSize, rows * data.FeatureSize), output);
            for (var r = 0; r < rows; r++)
            {
                var row = output.Slice(r * c, c);
                var best = 0;
                for (var j = 1; j < c; j++)
                {
                    if (row[j] > row[best])
                    {
                        best = j;
                    }
                }

                matrix.Add(checked((int)labels[first + r]), best);
            }
        }

        return matrix;
    }
}
