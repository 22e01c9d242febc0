namespace EdgeTransfer.Onnx.Surgery;

/// <summary>Finds the names closest to a misspelt one (case-insensitive Levenshtein distance).</summary>
internal static class NameSuggester
{
    public static IReadOnlyList<string> Closest(IEnumerable<string> candidates, string wanted, int count) =>
        [.. candidates
            .Distinct(StringComparer.Ordinal)
            .Select(c => (Name: c, Distance: Distance(c.ToUpperInvariant(), wanted.ToUpperInvariant())))
            .OrderBy(c => c.Distance)
            .ThenBy(c => c.Name, StringComparer.Ordinal)
            .Take(count)
            .Select(c => c.Name)];

    private static int Distance(string a, string b)
    {
        // Two-row dynamic programme: O(|a|·|b|) time, O(|b|) memory; names are short.
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j] + 1, current[j - 1] + 1));
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
