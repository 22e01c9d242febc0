using EdgeTransfer.Imaging.Datasets;
using EdgeTransfer.Runtime.Inspection;

namespace EdgeTransfer.Runtime.Evaluation;

/// <summary>
/// Counts (true class, probabilities) pairs into a confusion matrix and the verdicts of an inspection policy,
/// and turns the counts into an <see cref="EvaluationReport"/>. The one place the evaluation figures are computed,
/// whether the probabilities come from images or from stored features.
/// </summary>
/// <remarks>
/// The predicted class is the most probable one (a NaN never wins); the verdict is the policy's, so the report
/// shows both how well the head classifies and what the line would have done with the parts. Not thread-safe.
/// </remarks>
public sealed class EvaluationTally
{
    private readonly VerdictPolicy _policy;
    private readonly int[][] _confusion;
    private int _passed;
    private int _falseRejects;
    private int _rejected;
    private int _escapes;
    private int _uncertain;

    /// <summary>Starts empty counts for the classes of <paramref name="policy"/>.</summary>
    /// <param name="policy">The inspection policy whose verdicts are counted; its classes are the head's.</param>
    public EvaluationTally(VerdictPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        _policy = policy;
        _confusion = [.. policy.Classes.Select(_ => new int[policy.Classes.Count])];
    }

    /// <summary>The class names, in head output order.</summary>
    public IReadOnlyList<string> Classes => _policy.Classes;

    /// <summary>The number of parts counted.</summary>
    public int Count { get; private set; }

    /// <summary>Counts one part.</summary>
    /// <param name="trueClass">The index of the part's class.</param>
    /// <param name="probabilities">The head's probabilities for the part, one per class.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="trueClass"/> is not a class index.</exception>
    /// <exception cref="ArgumentException">The number of probabilities is not the number of classes.</exception>
    public void Add(int trueClass, ReadOnlySpan<float> probabilities)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(trueClass);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(trueClass, _confusion.Length);
        var decision = _policy.Decide(probabilities);
        _confusion[trueClass][ArgMax(probabilities)]++;
        Count++;
        if (decision.Outcome == VerdictOutcome.Uncertain)
        {
            _uncertain++;
        }

        switch (_policy.IsDefectClass(trueClass), decision.Rejects)
        {
            case (false, false):
                _passed++;
                break;
            case (false, true):
                _falseRejects++;
                break;
            case (true, true):
                _rejected++;
                break;
            case (true, false):
                _escapes++;
                break;
        }
    }

    /// <summary>The figures of the parts counted so far.</summary>
    /// <param name="bundleId">The bundle whose backbone made the features.</param>
    /// <param name="head">The head evaluated (version or file).</param>
    /// <param name="data">What was evaluated (folder, stored samples).</param>
    /// <param name="skipped">Files that were not evaluated, and why.</param>
    /// <exception cref="InvalidOperationException">No part was counted.</exception>
    public EvaluationReport ToReport(string bundleId, string head, string data, IReadOnlyList<SkippedImage>? skipped = null)
    {
        if (Count == 0)
        {
            throw new InvalidOperationException("No part was counted: there is nothing to report.");
        }

        var n = _confusion.Length;
        var classes = new ClassEvaluation[n];
        var correct = 0;
        var recallSum = 0.0;
        var present = 0;
        for (var c = 0; c < n; c++)
        {
            var support = _confusion[c].Sum();
            var predicted = _confusion.Sum(row => row[c]);
            var hits = _confusion[c][c];
            correct += hits;
            double? recall = support == 0 ? null : (double)hits / support;
            if (recall is { } r)
            {
                recallSum += r;
                present++;
            }

            classes[c] = new ClassEvaluation(_policy.Classes[c], _policy.IsDefectClass(c), support, predicted, predicted == 0 ? null : (double)hits / predicted, recall);
        }

        return new EvaluationReport
        {
            BundleId = bundleId,
            Head = head,
            Data = data,
            Count = Count,
            Accuracy = (double)correct / Count,
            BalancedAccuracy = recallSum / present,
            Classes = classes,
            ConfusionMatrix = [.. _confusion.Select(row => (IReadOnlyList<int>)[.. row])],
            Verdicts = new VerdictCounts(_passed + _falseRejects, _passed, _falseRejects, _rejected + _escapes, _rejected, _escapes, _uncertain),
            Skipped = skipped ?? [],
        };
    }

    private static int ArgMax(ReadOnlySpan<float> probabilities)
    {
        var best = 0;
        for (var c = 1; c < probabilities.Length; c++)
        {
            if (probabilities[c] > probabilities[best] || float.IsNaN(probabilities[best]))
            {
                best = c;
            }
        }

        return best;
    }
}
