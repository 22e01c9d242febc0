using EdgeTransfer.Artifacts.Randomness;
using EdgeTransfer.Training;
using EdgeTransfer.Training.Recipes;

namespace EdgeTransfer.Benchmarks.Heads;

/// <summary>
/// The baseline of <c>bench heads</c>: multinomial logistic regression on standardised features with an L2 penalty
/// whose strength C is chosen from a log grid by stratified k-fold cross-validation (accuracy), then refitted on
/// every sample — what scikit-learn's <c>LogisticRegressionCV</c> does by default (Cs=10 from 1e-4 to 1e4, 5 folds,
/// L-BFGS, up to 100 iterations, warm starts along the C path).
/// </summary>
/// <remarks>The objective per fit is C·Σᵢ CE(xᵢ) + ½‖W‖² (bias unpenalised), minimised by <see cref="LogisticRegression"/>.</remarks>
internal static class LogisticRegressionCv
{
    /// <summary>The C grid: 10 values, log-spaced from 1e-4 to 1e4.</summary>
    public static IReadOnlyList<double> Cs { get; } = [.. Enumerable.Range(0, 10).Select(i => Math.Pow(10, -4 + (8.0 * i / 9)))];

    /// <summary>Chooses C by cross-validation, refits on everything, and returns the head on raw features with the chosen C.</summary>
    /// <param name="data">Raw labelled features.</param>
    /// <param name="classCount">C of the head.</param>
    /// <param name="seed">The seed of the folds.</param>
    public static (LinearHead Head, double C) Fit(FeatureSet data, int classCount, int seed)
    {
        var transform = FeatureTransform.Fit(data, standardise: true, normalise: false, unitMeanNorm: false);
        var z = transform.Apply(data);
        var perClass = new int[classCount];
        foreach (var y in z.Labels.Span)
        {
            perClass[y]++;
        }

        var folds = Math.Clamp(perClass.Where(c => c > 0).Min(), 2, 5);
        var fold = StratifiedFolds(z, folds, seed);
        var accuracy = new double[Cs.Count];
        for (var f = 0; f < folds; f++)
        {
            var training = Subset(z, i => fold[i] != f);
            var validation = Subset(z, i => fold[i] == f);
            if (validation.Count == 0 || training.Count == 0)
            {
                continue;
            }

            LinearHead? warm = null;
            for (var c = 0; c < Cs.Count; c++)
            {
                warm = LogisticRegression.Fit(training, classCount, Cs[c], warm);
                accuracy[c] += warm.Score(validation).Accuracy;
            }
        }

        // Like scikit-learn: the first C of the best mean score.
        var best = Array.IndexOf(accuracy, accuracy.Max());
        var head = LogisticRegression.Fit(z, classCount, Cs[best]);
        return (transform.Fold(head), Cs[best]);
    }

    private static int[] StratifiedFolds(FeatureSet data, int folds, int seed)
    {
        var rng = new SplitMix64(unchecked((ulong)seed) ^ 0x10C0_5EED_0000_0000UL);
        var fold = new int[data.Count];
        var labels = data.Labels.ToArray();
        var next = 0;
        foreach (var group in Enumerable.Range(0, data.Count).GroupBy(i => labels[i]))
        {
            var rows = group.ToList();
            for (var i = rows.Count - 1; i > 0; i--)
            {
                var j = rng.NextInt(i + 1);
                (rows[i], rows[j]) = (rows[j], rows[i]);
            }

            // Dealing on from where the last class stopped keeps the folds' sizes even when classes are small.
            foreach (var row in rows)
            {
                fold[row] = next++ % folds;
            }
        }

        return fold;
    }

    private static FeatureSet Subset(FeatureSet data, Func<int, bool> take)
    {
        var rows = Enumerable.Range(0, data.Count).Where(take).ToList();
        var d = data.FeatureSize;
        var features = new float[rows.Count * d];
        var labels = new long[rows.Count];
        for (var i = 0; i < rows.Count; i++)
        {
            data.Row(rows[i]).CopyTo(features.AsSpan(i * d, d));
            labels[i] = data.Labels.Span[rows[i]];
        }

        return rows.Count == 0 ? new FeatureSet(new float[d], [0], d, [0f]) : new FeatureSet(features, labels, d);
    }
}
