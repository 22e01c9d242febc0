using System.Globalization;
using EdgeTransfer.Artifacts.Randomness;
using EdgeTransfer.Runtime.Storage;
using EdgeTransfer.Training;

namespace EdgeTransfer.Runtime.Learning;

/// <summary>
/// The checks that come before any training, and the seeded stratified split of a <see cref="SampleSet"/> into
/// training and validation samples: every labelled class is in both, so the quality gate sees every class, and every
/// copy of one frame is on the same side.
/// </summary>
internal sealed class SampleSplit
{
    private SampleSplit(FeatureSet training, FeatureSet validation, int[] trainingCounts, int[] validationCounts, long[] trainingParts, long[] trainingIds)
    {
        TrainingIds = trainingIds;
        TrainingParts = trainingParts;
        Training = training;
        Validation = validation;
        TrainingCounts = trainingCounts;
        ValidationCounts = validationCounts;
    }

    public FeatureSet Training { get; }

    public FeatureSet Validation { get; }

    /// <summary>The part of every training row: rows with the same value are copies of one frame.</summary>
    public long[] TrainingParts { get; }

    /// <summary>The store ids of the training rows: what the candidate was trained on (recorded with the head).</summary>
    public long[] TrainingIds { get; }

    /// <summary>Training samples per class index.</summary>
    public int[] TrainingCounts { get; }

    /// <summary>Validation samples per class index.</summary>
    public int[] ValidationCounts { get; }

    /// <summary>Checks the samples and splits them, or says (as a sentence fragment) why they cannot train a head.</summary>
    /// <param name="samples">Every stored sample.</param>
    /// <param name="featureSize">D of the bundle.</param>
    /// <param name="classes">The bundle's classes.</param>
    /// <param name="fraction">The share of each class to validate on.</param>
    /// <param name="minValidation">The fewest validation samples in all (the quality gate's).</param>
    /// <param name="minValidationPerClass">The fewest validation samples per labelled class (at least 1).</param>
    /// <param name="minTrainingPerClass">The fewest training samples per labelled class.</param>
    /// <param name="seed">The seed of the split.</param>
    /// <param name="refusal">Why not, when the result is null.</param>
    public static SampleSplit? TryCreate(
        SampleSet samples,
        int featureSize,
        IReadOnlyList<string> classes,
        double fraction,
        int minValidation,
        int minValidationPerClass,
        int minTrainingPerClass,
        int seed,
        out string? refusal)
    {
        refusal = Check(samples, featureSize, classes);
        if (refusal is not null)
        {
            return null;
        }

        // Parts, not copies: samples with the same features are one frame stored more than once (before labelling
        // replaced labels), and a frame on both sides of the split would let validation grade what training saw.
        var parts = SamplePart.Group(samples);
        var counts = new int[classes.Count];
        foreach (var part in parts)
        {
            counts[part.ClassIndex]++;
        }

        var labelled = Enumerable.Range(0, counts.Length).Where(c => counts[c] > 0).ToList();
        if (labelled.Count == 0)
        {
            refusal = "the sample store is empty; label parts of at least two classes";
            return null;
        }

        if (labelled.Count == 1)
        {
            refusal = $"only '{classes[labelled[0]]}' has samples; label at least one other class";
            return null;
        }

        var perClass = minValidationPerClass + minTrainingPerClass;
        var thin = labelled.Where(c => counts[c] < perClass).ToList();
        if (thin.Count > 0)
        {
            refusal = string.Create(
                CultureInfo.InvariantCulture,
                $"too few samples to split: {string.Join(", ", thin.Select(c => $"'{classes[c]}' has {counts[c]} distinct frames"))}; each labelled class needs at least {perClass} ({minValidationPerClass} for validation, {minTrainingPerClass} for training). Label {string.Join(", ", thin.Select(c => $"{perClass - counts[c]} more '{classes[c]}'"))}");
            return null;
        }

        var validationCounts = new int[counts.Length];
        foreach (var c in labelled)
        {
            var planned = (int)Math.Round(counts[c] * fraction, MidpointRounding.AwayFromZero);
            validationCounts[c] = Math.Min(Math.Max(planned, minValidationPerClass), counts[c] - minTrainingPerClass);
        }

        var validation = validationCounts.Sum();
        if (validation < minValidation)
        {
            var total = (int)Math.Ceiling(minValidation / fraction);
            refusal = string.Create(
                CultureInfo.InvariantCulture,
                $"too few samples to validate: the split holds {validation} validation samples ({fraction:P0} of each class, of {parts.Count} distinct frames in {samples.Count} samples; copies of a frame count once), fewer than the {minValidation} the quality gate needs. Label more parts (about {total} in all)");
            return null;
        }

        return Split(samples, parts, validationCounts, seed);
    }

    private static string? Check(SampleSet samples, int featureSize, IReadOnlyList<string> classes)
    {
        if (samples.FeatureDimension != featureSize)
        {
            return string.Create(CultureInfo.InvariantCulture, $"the samples have {samples.FeatureDimension} features but the bundle's head takes {featureSize}; they come from another backbone — collect them again with this bundle");
        }

        if (!samples.Classes.SequenceEqual(classes, StringComparer.Ordinal))
        {
            return $"the samples are labelled with the classes [{string.Join(", ", samples.Classes)}] but the bundle has [{string.Join(", ", classes)}]; open the sample store with this bundle's classes";
        }

        var features = samples.Features;
        for (var i = 0; i < features.Length; i++)
        {
            if (!float.IsFinite(features[i]))
            {
                var row = i / featureSize;
                return string.Create(CultureInfo.InvariantCulture, $"sample {samples.Ids[row]} ('{classes[(int)samples.Labels[row]]}') has a {(float.IsNaN(features[i]) ? "NaN" : "infinite")} feature (index {i % featureSize}); delete it from the store or capture it again");
            }
        }

        return null;
    }

    private static SampleSplit Split(SampleSet samples, IReadOnlyList<SamplePart> parts, int[] validationParts, int seed)
    {
        var classCount = validationParts.Length;
        var byClass = new List<SamplePart>[classCount];
        for (var c = 0; c < classCount; c++)
        {
            byClass[c] = [];
        }

        foreach (var part in parts)
        {
            byClass[part.ClassIndex].Add(part);
        }

        var rng = new SplitMix64(unchecked((ulong)seed) ^ 0x5EED_5A17_0000_0000UL);
        var training = new List<int>(samples.Count);
        var validation = new List<int>();
        var trainingCounts = new int[classCount];
        var validationCounts = new int[classCount];
        var partOfRow = new long[samples.Count];
        for (var p = 0; p < parts.Count; p++)
        {
            foreach (var row in parts[p].Rows)
            {
                partOfRow[row] = p;
            }
        }

        for (var c = 0; c < classCount; c++)
        {
            var group = byClass[c];
            // Fisher–Yates per class over parts, then the first k parts go to validation: a seeded, stratified draw
            // in which every copy of a frame follows its part.
            for (var i = group.Count - 1; i > 0; i--)
            {
                var j = rng.NextInt(i + 1);
                (group[i], group[j]) = (group[j], group[i]);
            }

            for (var i = 0; i < group.Count; i++)
            {
                if (i >= validationParts[c])
                {
                    training.AddRange(group[i].Rows);
                    continue;
                }

                // The gate grades frames as the line sees them: a validation part counts its frame's own sample, not
                // its augmented views (all of them only when the frame's own sample is gone).
                var own = group[i].Rows.Where(r => samples.Parts[r] == samples.Ids[r]).ToList();
                validation.AddRange(own.Count > 0 ? own : group[i].Rows);
            }
        }

        // Store order inside each side: the trainer shuffles every epoch anyway, and this keeps the split readable.
        training.Sort();
        validation.Sort();
        foreach (var row in training)
        {
            trainingCounts[samples.Labels[row]]++;
        }

        foreach (var row in validation)
        {
            validationCounts[samples.Labels[row]]++;
        }

        return new SampleSplit(Gather(samples, training), Gather(samples, validation), trainingCounts, validationCounts, [.. training.Select(r => partOfRow[r])], [.. training.Select(r => samples.Ids[r])]);
    }

    private static FeatureSet Gather(SampleSet samples, List<int> rows)
    {
        var d = samples.FeatureDimension;
        var features = new float[rows.Count * d];
        var labels = new long[rows.Count];
        for (var i = 0; i < rows.Count; i++)
        {
            samples.FeaturesOf(rows[i]).CopyTo(features.AsSpan(i * d, d));
            labels[i] = samples.Labels[rows[i]];
        }

        return new FeatureSet(features, labels, d);
    }
}
