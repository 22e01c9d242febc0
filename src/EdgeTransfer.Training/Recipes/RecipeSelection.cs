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
        // Fold by fold, every candidate on the fold's sets before the next fold is cut: one fold's copies (and the
        // fitter's transforms of them) are alive at a time, where cutting every fold first kept them all until the end.
        var accuracy = new double[options.Grid.Count];
        var loss = new double[options.Grid.Count];
        var validationSamples = 0;
        var garbage = new GarbageBound(GarbageBound.DefaultLimitBytes);
        for (var f = 0; f < folds; f++)
        {
            var training = Subset(data, assignment, f, inFold: false);
            var validation = Subset(data, assignment, f, inFold: true);
            validationSamples += validation.Count;
            for (var c = 0; c < options.Grid.Count; c++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var (a, l) = fitter.Fit(training, options.Grid[c], cancellationToken).Score(validation);
                accuracy[c] += a / folds;
                loss[c] += l / folds;
                garbage.CollectIfGrown();
            }
        }

        var scores = options.Grid.Select((candidate, c) => new CandidateScore(candidate, accuracy[c], loss[c])).ToList();

        // Accuracy decides; on equal accuracy (common with few samples) the lower cross-entropy, then the grid's order.
        var best = scores.OrderByDescending(s => Math.Round(s.Accuracy, 9)).ThenBy(s => s.Loss).First();
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

    // The rows whose fold is (inFold) or is not (training side) fold f, copied in row order.
    private static FeatureSet Subset(FeatureSet data, int[] assignment, int f, bool inFold)
    {
        var count = 0;
        foreach (var fold in assignment)
        {
            count += (fold == f) == inFold ? 1 : 0;
        }

        var d = data.FeatureSize;
        var features = new float[count * d];
        var labels = new long[count];
        var all = data.Labels.Span;
        var next = 0;
        for (var row = 0; row < data.Count; row++)
        {
            if ((assignment[row] == f) != inFold)
            {
                continue;
            }

            data.Row(row).CopyTo(features.AsSpan(next * d, d));
            labels[next++] = all[row];
        }

        return new FeatureSet(features, labels, d);
    }
}
