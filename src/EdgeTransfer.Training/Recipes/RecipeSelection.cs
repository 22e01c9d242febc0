using EdgeTransfer.Artifacts.Randomness;

namespace EdgeTransfer.Training.Recipes;

/// <summary>
/// Chooses a head recipe by validation and fits it on every sample: each candidate of the grid is fitted on the
/// training side of each fold and scored on the validation side (accuracy first, cross-entropy to break ties); the
/// best is fitted again on all samples. Folds are drawn over parts, not samples: every sample of one part (the same
/// frame stored twice, augmented copies) stays on one side, so validation never grades what training saw.
/// </summary>
/// <remarks>
/// Few parts (the thinnest class has fewer than <see cref="RecipeOptions.CrossValidationBelow"/>) are validated by
/// stratified cross-validation over up to <see cref="RecipeOptions.MaxFolds"/> folds, more by one held-out split;
/// with one part in a class there is nothing to validate on and the prototypes are used.
/// </remarks>
public static class RecipeSelection
{
    /// <summary>Selects and fits.</summary>
    /// <param name="fitter">Fits one candidate.</param>
    /// <param name="data">Raw labelled features.</param>
    /// <param name="parts">The part of every sample (samples with the same value are one part), or null when every sample is its own part.</param>
    /// <param name="options">The grid and the validation settings.</param>
    /// <param name="cancellationToken">Checked between fits and training steps.</param>
    /// <exception cref="ArgumentException">Fewer than two classes have samples.</exception>
    public static RecipeResult Select(RecipeFitter fitter, FeatureSet data, IReadOnlyList<long>? parts, RecipeOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(fitter);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        var byClass = PartsByClass(data, parts, fitter.ClassCount);
        var present = byClass.Where(p => p.Count > 0).ToList();
        if (present.Count < 2)
        {
            throw new ArgumentException("A head recipe needs samples of at least two classes.", nameof(data));
        }

        var thinnest = present.Min(p => p.Count);
        if (thinnest < 2 || options.Grid.Count == 0)
        {
            return new RecipeResult(options.OneShot, fitter.Fit(data, options.OneShot, cancellationToken), [], 0, 0);
        }

        var folds = thinnest < options.CrossValidationBelow ? Math.Min(options.MaxFolds, thinnest) : 1;
        var assignment = AssignFolds(byClass, folds, options.ValidationFraction, options.Seed, data.Count);
        var splits = Enumerable.Range(0, folds)
            .Select(f => (Training: Subset(data, i => assignment[i] != f), Validation: Subset(data, i => assignment[i] == f)))
            .ToList();
        var scores = new List<CandidateScore>(options.Grid.Count);
        foreach (var candidate in options.Grid)
        {
            double accuracy = 0, loss = 0;
            foreach (var (training, validation) in splits)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var (a, l) = fitter.Fit(training, candidate, cancellationToken).Score(validation);
                accuracy += a / folds;
                loss += l / folds;
            }

            scores.Add(new CandidateScore(candidate, accuracy, loss));
        }

        // Accuracy decides; on equal accuracy (common with few samples) the lower cross-entropy, then the grid's order.
        var best = scores.OrderByDescending(s => Math.Round(s.Accuracy, 9)).ThenBy(s => s.Loss).First();
        var validationSamples = splits.Sum(s => s.Validation.Count);
        return new RecipeResult(best.Candidate, fitter.Fit(data, best.Candidate, cancellationToken), scores, folds, validationSamples);
    }

    /// <summary>The rows of every part, by class (a part's class is that of its first row).</summary>
    internal static List<List<List<int>>> PartsByClass(FeatureSet data, IReadOnlyList<long>? parts, int classCount)
    {
        if (parts is not null && parts.Count != data.Count)
        {
            throw new ArgumentException($"{data.Count} samples need {data.Count} part ids; {parts.Count} were given.", nameof(parts));
        }

        var byClass = Enumerable.Range(0, classCount).Select(_ => new List<List<int>>()).ToList();
        var index = new Dictionary<long, List<int>>();
        var labels = data.Labels.Span;
        for (var i = 0; i < data.Count; i++)
        {
            var key = parts?[i] ?? i;
            if (!index.TryGetValue(key, out var rows))
            {
                index[key] = rows = [];
                byClass[(int)labels[i]].Add(rows);
            }

            rows.Add(i);
        }

        return byClass;
    }

    /// <summary>The fold of every row: per class, the parts shuffled (seeded) and dealt round-robin, or the first share held out.</summary>
    internal static int[] AssignFolds(List<List<List<int>>> byClass, int folds, double fraction, int seed, int count)
    {
        var rng = new SplitMix64(unchecked((ulong)seed) ^ 0xF01D_5EED_0000_0000UL);
        var assignment = new int[count];
        foreach (var classParts in byClass.Where(p => p.Count > 0))
        {
            var order = classParts.ToList();
            for (var i = order.Count - 1; i > 0; i--)
            {
                var j = rng.NextInt(i + 1);
                (order[i], order[j]) = (order[j], order[i]);
            }

            var held = Math.Clamp((int)Math.Round(order.Count * fraction, MidpointRounding.AwayFromZero), 1, order.Count - 1);
            for (var p = 0; p < order.Count; p++)
            {
                // One split: fold 0 is validation, −1 training (never equal to a fold index).
                var fold = folds == 1 ? (p < held ? 0 : -1) : p % folds;
                foreach (var row in order[p])
                {
                    assignment[row] = fold;
                }
            }
        }

        return assignment;
    }

    private static FeatureSet Subset(FeatureSet data, Func<int, bool> take)
    {
        var rows = Enumerable.Range(0, data.Count).Where(take).ToList();
        var d = data.FeatureSize;
        var features = new float[rows.Count * d];
        var labels = new long[rows.Count];
        var all = data.Labels.Span;
        for (var i = 0; i < rows.Count; i++)
        {
            data.Row(rows[i]).CopyTo(features.AsSpan(i * d, d));
            labels[i] = all[rows[i]];
        }

        return new FeatureSet(features, labels, d);
    }
}
