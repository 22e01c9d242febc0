namespace EdgeTransfer.Imaging.Datasets;

/// <summary>
/// Says why files of a data set were skipped in a few lines: one line per reason, with how many files it
/// applies to and some of their names, so that "10 skipped" never comes without its reasons.
/// </summary>
public static class SkippedImageSummary
{
    /// <summary>The most file names shown per reason.</summary>
    public const int ExamplesPerReason = 3;

    /// <summary>One line per distinct reason (most frequent first), at most <paramref name="maxLines"/> lines in all.</summary>
    /// <param name="skipped">The skipped files.</param>
    /// <param name="maxLines">The most lines; a last line counts the reasons left out.</param>
    /// <returns>Lines such as <c>3 files (a.png, b.png, c.png): the PNG data is corrupt …</c>.</returns>
    public static IReadOnlyList<string> Lines(IReadOnlyList<SkippedImage> skipped, int maxLines = 10)
    {
        ArgumentNullException.ThrowIfNull(skipped);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLines, 2);
        var groups = skipped
            .GroupBy(s => s.Reason, StringComparer.Ordinal)
            .OrderByDescending(g => g.Count())
            .ThenBy(g => g.Key, StringComparer.Ordinal)
            .ToList();
        var shown = groups.Count <= maxLines ? groups.Count : maxLines - 1;
        var lines = groups.Take(shown).Select(Line).ToList();
        if (shown < groups.Count)
        {
            var rest = groups.Skip(shown).ToList();
            lines.Add($"{rest.Sum(g => g.Count())} more files for {rest.Count} other reasons, such as {Path.GetFileName(rest[0].First().Path)}: {rest[0].Key}");
        }

        return lines;
    }

    private static string Line(IGrouping<string, SkippedImage> group)
    {
        var count = group.Count();
        if (count == 1)
        {
            return $"{Path.GetFileName(group.First().Path)}: {group.Key}";
        }

        var names = string.Join(", ", group.Take(ExamplesPerReason).Select(s => Path.GetFileName(s.Path)));
        var more = count > ExamplesPerReason ? ", …" : string.Empty;
        return $"{count} files ({names}{more}): {group.Key}";
    }
}
