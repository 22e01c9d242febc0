using System.Globalization;
using System.Text;

namespace EdgeTransfer.Runtime.Learning;

/// <summary>
/// Which stored samples trained a head, as its checkpoint records them (<see cref="MetadataKey"/>): the sample ids
/// as ascending ranges, <c>1-40,45,47-60</c> (ids grow in the order samples are stored, so a run's ids compress well).
/// An evaluation on stored samples leaves these out, so that a head is never graded on what it learned from.
/// </summary>
public static class TrainedSamples
{
    /// <summary>The checkpoint metadata key.</summary>
    public const string MetadataKey = "training.sampleIds";

    /// <summary>The ranges of <paramref name="ids"/>.</summary>
    /// <param name="ids">Sample ids, any order.</param>
    public static string Format(IEnumerable<long> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var sorted = ids.Distinct().Order().ToList();
        var text = new StringBuilder();
        for (var i = 0; i < sorted.Count;)
        {
            var j = i;
            while (j + 1 < sorted.Count && sorted[j + 1] == sorted[j] + 1)
            {
                j++;
            }

            text.Append(text.Length > 0 ? "," : string.Empty)
                .Append(sorted[i].ToString(CultureInfo.InvariantCulture));
            if (j > i)
            {
                text.Append('-').Append(sorted[j].ToString(CultureInfo.InvariantCulture));
            }

            i = j + 1;
        }

        return text.ToString();
    }

    /// <summary>The ids of a head's metadata, or null when it records none (the bundle's head, or one trained before the record existed).</summary>
    /// <param name="metadata">A head checkpoint's metadata.</param>
    /// <exception cref="FormatException">The record is damaged.</exception>
    public static HashSet<long>? Parse(IReadOnlyDictionary<string, string> metadata)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        if (!metadata.TryGetValue(MetadataKey, out var text))
        {
            return null;
        }

        var ids = new HashSet<long>();
        foreach (var range in text.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var dash = range.IndexOf('-', StringComparison.Ordinal);
            var first = long.Parse(dash < 0 ? range : range[..dash], NumberStyles.None, CultureInfo.InvariantCulture);
            var last = dash < 0 ? first : long.Parse(range[(dash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture);
            if (last < first || last - first > 10_000_000)
            {
                throw new FormatException($"The range '{range}' of {MetadataKey} is not ascending.");
            }

            for (var id = first; id <= last; id++)
            {
                ids.Add(id);
            }
        }

        return ids;
    }
}
