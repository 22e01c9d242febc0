using System.Globalization;
using EdgeTransfer.Artifacts.Checkpoints;
using EdgeTransfer.Runtime.Heads;
using EdgeTransfer.Runtime.Learning;
using EdgeTransfer.Runtime.Loading;
using EdgeTransfer.Runtime.Inspection;
using EdgeTransfer.Runtime.Storage;
using EdgeTransfer.Training;

namespace EdgeTransfer.Runtime.Evaluation;

/// <summary>
/// Evaluates a stored head version on the labelled samples of the store that it was never trained on: those not
/// in the training record of its checkpoint (<see cref="TrainedSamples"/>) and not a copy (same features) of one
/// that is. The head runs through the bundle's inference graph and the verdicts follow the device's policy, so the
/// report has the figures of <see cref="ImageFolderEvaluator"/> without decoding an image.
/// </summary>
public static class StoredSampleEvaluator
{
    /// <summary>Evaluates <paramref name="version"/>.</summary>
    /// <param name="bundleId">The bundle in use, as the report names it.</param>
    /// <param name="createPredictor">Loads a head into the bundle's inference graph (<see cref="DeviceBundle.CreateHeadPredictor"/> on the device).</param>
    /// <param name="registry">The heads.</param>
    /// <param name="version">The version to evaluate (not put in service).</param>
    /// <param name="samples">Every stored sample (<see cref="SampleStore.ReadAll"/>).</param>
    /// <param name="policy">The device's inspection policy.</param>
    /// <returns>The report; <see cref="EvaluationReport.Data"/> says how many samples were left out as trained on.</returns>
    /// <exception cref="InvalidOperationException">
    /// No stored sample is left to evaluate on, or the head does not record what trained it; the message says what to do.
    /// </exception>
    public static EvaluationReport Evaluate(string bundleId, Func<HeadCheckpoint, HeadPredictor> createPredictor, HeadRegistry registry, HeadVersion version, SampleSet samples, VerdictPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(bundleId);
        ArgumentNullException.ThrowIfNull(createPredictor);
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(version);
        ArgumentNullException.ThrowIfNull(samples);
        ArgumentNullException.ThrowIfNull(policy);
        var head = registry.Read(version);
        HashSet<long>? trained;
        try
        {
            trained = TrainedSamples.Parse(head.Metadata);
        }
        catch (FormatException ex)
        {
            throw new InvalidOperationException($"Head {version.Name}'s record of the samples it was trained on is damaged ({ex.Message}); evaluate another head or train again.", ex);
        }

        if (trained is null && version.Source != HeadSource.Initial)
        {
            throw new InvalidOperationException($"Head {version.Name} does not record which samples trained it (it was trained by an older version of the device software), so no stored sample is known to be unseen; train again, or evaluate on a labelled folder with 'edgetransfer-device evaluate --data'.");
        }

        if (samples.Count == 0)
        {
            throw new InvalidOperationException("The sample store is empty, so there is nothing to evaluate on; label parts (collect or label) and evaluate again.");
        }

        trained ??= [];
        var untrained = Untrained(samples, trained);
        if (untrained.Count == 0)
        {
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"Every one of the {samples.Count} stored samples trained head {version.Name} (or is a copy of one that did), so none is left to evaluate it on; label new parts (collect or label) and evaluate again."));
        }

        var tally = new EvaluationTally(policy);
        var probabilities = new float[samples.Classes.Count];
        using (var predictor = createPredictor(head))
        {
            foreach (var row in untrained)
            {
                predictor.Predict(samples.FeaturesOf(row), probabilities);
                tally.Add((int)samples.Labels[row], probabilities);
            }
        }

        var data = string.Create(CultureInfo.InvariantCulture, $"stored samples never trained on by {version.Name}: {untrained.Count} of {samples.Count} ({samples.Count - untrained.Count} left out as trained on)");
        return tally.ToReport(bundleId, version.Name, data);
    }

    private static List<int> Untrained(SampleSet samples, HashSet<long> trained)
    {
        var trainedDigests = new HashSet<ulong>();
        var trainedRows = new List<int>();
        for (var row = 0; row < samples.Count; row++)
        {
            if (trained.Contains(samples.Ids[row]))
            {
                trainedDigests.Add(FeatureDigest.Of(samples.FeaturesOf(row)));
                trainedRows.Add(row);
            }
        }

        var untrained = new List<int>();
        for (var row = 0; row < samples.Count; row++)
        {
            if (trained.Contains(samples.Ids[row]))
            {
                continue;
            }

            // A copy of a trained frame (stored again before relabelling) was seen by training however it is labelled.
            if (!trainedDigests.Contains(FeatureDigest.Of(samples.FeaturesOf(row))) || !IsCopyOfAny(samples, row, trainedRows))
            {
                untrained.Add(row);
            }
        }

        return untrained;
    }

    private static bool IsCopyOfAny(SampleSet samples, int row, List<int> rows)
    {
        foreach (var other in rows)
        {
            if (FeatureDigest.Same(samples.FeaturesOf(other), samples.FeaturesOf(row)))
            {
                return true;
            }
        }

        return false;
    }
}
