namespace EdgeTransfer.Artifacts.Text;

/// <summary>
/// "Did you mean …?" for every place a user types a name: tensor names, spec and config keys, options.
/// Case-insensitive Levenshtein distance.
/// </summary>
public static class NameSuggestions
{
    /// <summary>The <paramref name="count"/> candidates closest to <paramref name="wanted"/>, closest first.</summary>
    /// <param name="candidates">The names that exist.</param>
    /// <param name="wanted">The name the user wrote.</param>
    /// <param name="count">How many to return at most.</param>
    public static IReadOnlyList<string> Closest(IEnumerable<string> candidates, string wanted, int count)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        ArgumentNullException.ThrowIfNull(wanted);
        var key = wanted.ToUpperInvariant();
        return [.. candidates
            .Distinct(StringComparer.Ordinal)
            .Select(c => (Name: c, Distance: Distance(c.ToUpperInvariant(), key)))
            .OrderBy(c => c.Distance)
            .ThenBy(c => c.Name, StringComparer.Ordinal)
            .Take(count)
            .Select(c => c.Name)];
    }

    /// <summary>The closest candidate if it is close enough to be a typo (distance ≤ max(2, length/3)), else null.</summary>
    /// <param name="candidates">The names that exist.</param>
    /// <param name="wanted">The name the user wrote.</param>
    public static string? Typo(IEnumerable<string> candidates, string wanted)
    {
        var best = Closest(candidates, wanted, 1);
        return best.Count == 1 && Distance(best[0].ToUpperInvariant(), wanted.ToUpperInvariant()) <= Math.Max(2, wanted.Length / 3)
            ? best[0]
            : null;
    }

    /// <summary>" (did you mean \"x\"?)" when a candidate is a likely typo of <paramref name="wanted"/>, else empty.</summary>
    /// <param name="wanted">The name the user wrote.</param>
    /// <param name="candidates">The names that exist.</param>
    public static string DidYouMean(string wanted, IEnumerable<string> candidates) =>
        Typo(candidates, wanted) is { } typo ? $" (did you mean \"{typo}\"?)" : string.Empty;

    /// <summary>The Levenshtein distance between two strings (case-sensitive).</summary>
    /// <param name="a">One string.</param>
    /// <param name="b">The other.</param>
    public static int Distance(string a, string b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);

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
