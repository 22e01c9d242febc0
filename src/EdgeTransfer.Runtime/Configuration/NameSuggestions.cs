namespace EdgeTransfer.Runtime.Configuration;

/// <summary>"Did you mean …?" for a key or a class name that is not known: the closest known name by edit distance.</summary>
internal static class NameSuggestions
{
    /// <summary>The closest of <paramref name="known"/> to <paramref name="name"/> (ignoring case), if close enough to be a typo.</summary>
    public static string? Closest(string name, IEnumerable<string> known)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(known);
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in known)
        {
            var distance = Distance(name.ToUpperInvariant(), candidate.ToUpperInvariant());
            if (distance < bestDistance)
            {
                best = candidate;
                bestDistance = distance;
            }
        }

        return best is not null && bestDistance <= Math.Max(2, name.Length / 3) ? best : null;
    }

    /// <summary>" (did you mean "x"?)" or an empty text.</summary>
    public static string DidYouMean(string name, IEnumerable<string> known) =>
        Closest(name, known) is { } best ? $" (did you mean \"{best}\"?)" : string.Empty;

    // Levenshtein distance with two rows; the lists compared are short.
    private static int Distance(string a, string b)
    {
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
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), substitution);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
