namespace EdgeTransfer.LineConsole.Rendering;

/// <summary>One-line charts from the eight block heights <c>▁▂▃▄▅▆▇█</c>.</summary>
public static class Sparkline
{
    private const string Bars = "▁▂▃▄▅▆▇█";

    /// <summary>A sparkline of <paramref name="values"/>, scaled between their minimum and maximum (or the given bounds).</summary>
    /// <param name="values">The values, oldest first; non-finite ones show as a space.</param>
    /// <param name="width">The most characters to use: the newest values are kept.</param>
    /// <param name="min">The value of the lowest bar, or null for the smallest value.</param>
    /// <param name="max">The value of the highest bar, or null for the largest value.</param>
    public static string Render(IReadOnlyList<double> values, int width, double? min = null, double? max = null)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        var shown = values.Skip(Math.Max(0, values.Count - width)).ToArray();
        var finite = shown.Where(double.IsFinite).ToArray();
        if (finite.Length == 0)
        {
            return new string(' ', shown.Length);
        }

        var low = min ?? finite.Min();
        var high = max ?? finite.Max();
        var chars = new char[shown.Length];
        for (var i = 0; i < shown.Length; i++)
        {
            var v = shown[i];
            chars[i] = !double.IsFinite(v) ? ' '
                : high <= low ? Bars[0]
                : Bars[(int)Math.Round(Math.Clamp((v - low) / (high - low), 0, 1) * (Bars.Length - 1))];
        }

        return new string(chars);
    }

    /// <summary>Puts timed values into <paramref name="buckets"/> equal slots ending at <paramref name="end"/>; each slot gets <paramref name="aggregate"/> of its values, or NaN if empty.</summary>
    /// <param name="points">The values with their times.</param>
    /// <param name="end">The end of the last slot (now).</param>
    /// <param name="span">The time all slots cover.</param>
    /// <param name="buckets">The number of slots.</param>
    /// <param name="aggregate">Turns the values of one slot into one number (count, mean …).</param>
    public static double[] Bucket(IEnumerable<(DateTimeOffset At, double Value)> points, DateTimeOffset end, TimeSpan span, int buckets, Func<IReadOnlyList<double>, double> aggregate)
    {
        ArgumentNullException.ThrowIfNull(points);
        ArgumentNullException.ThrowIfNull(aggregate);
        ArgumentOutOfRangeException.ThrowIfLessThan(buckets, 1);
        var slots = new List<double>[buckets];
        for (var i = 0; i < buckets; i++)
        {
            slots[i] = [];
        }

        var start = end - span;
        foreach (var (at, value) in points)
        {
            if (at < start || at > end)
            {
                continue;
            }

            var index = Math.Min(buckets - 1, (int)((at - start).Ticks * buckets / span.Ticks));
            slots[index].Add(value);
        }

        return [.. slots.Select(s => s.Count == 0 ? double.NaN : aggregate(s))];
    }
}
