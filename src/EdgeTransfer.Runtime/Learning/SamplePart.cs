using EdgeTransfer.Runtime.Storage;

namespace EdgeTransfer.Runtime.Learning;

/// <summary>
/// One frame of a <see cref="SampleSet"/>: the rows that hold the same features (copies stored before a second label
/// replaced the first) and the augmented views stored as part of it (<see cref="SampleSet.Parts"/>). Its class is that
/// of its first row, so a part is never split across classes or sides.
/// </summary>
/// <param name="ClassIndex">The class the part is drawn for.</param>
/// <param name="Rows">Its rows in the sample set, ascending.</param>
internal sealed record SamplePart(int ClassIndex, IReadOnlyList<int> Rows)
{
    /// <summary>Groups the rows of <paramref name="samples"/> into parts, in the order of their first rows.</summary>
    /// <param name="samples">The samples.</param>
    public static IReadOnlyList<SamplePart> Group(SampleSet samples)
    {
        ArgumentNullException.ThrowIfNull(samples);
        var parts = new List<List<int>>();
        var byKey = new Dictionary<ulong, List<int>>();
        var byStoredPart = new Dictionary<long, List<int>>();
        for (var row = 0; row < samples.Count; row++)
        {
            // A view joins its frame's part (or the part another view of it started, when the frame's own sample is gone).
            if (byStoredPart.TryGetValue(samples.Parts[row], out var known))
            {
                known.Add(row);
                continue;
            }

            var features = samples.FeaturesOf(row);
            var key = FeatureDigest.Of(features);
            if (!byKey.TryGetValue(key, out var candidates))
            {
                byKey[key] = candidates = [];
            }

            List<int>? part = null;
            foreach (var candidate in candidates)
            {
                if (FeatureDigest.Same(samples.FeaturesOf(parts[candidate][0]), features))
                {
                    part = parts[candidate];
                    break;
                }
            }

            if (part is null)
            {
                candidates.Add(parts.Count);
                parts.Add(part = []);
            }

            part.Add(row);
            byStoredPart[samples.Parts[row]] = part;
        }

        return [.. parts.Select(p => new SamplePart((int)samples.Labels[p[0]], p))];
    }
}
