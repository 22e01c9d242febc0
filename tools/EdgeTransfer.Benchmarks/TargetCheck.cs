using System.Text.Json;

namespace EdgeTransfer.Benchmarks;

/// <summary>One target of an issue, the figure measured for it, and whether it was met.</summary>
/// <param name="Name">A short stable key (<c>int8-speedup-batch1</c>), for machines.</param>
/// <param name="Description">The target as people read it (<c>int8 ≥ 2.5× float at batch 1</c>).</param>
/// <param name="Actual">The measured figure, as people read it.</param>
/// <param name="Met">Whether the figure meets the target.</param>
/// <param name="Note">Why it was missed or what the figure depends on; empty when there is nothing to add.</param>
public sealed record TargetCheck(string Name, string Description, string Actual, bool Met, string Note = "")
{
    /// <summary>"met" or "MISSED", for tables.</summary>
    public string Verdict => Met ? "met" : "MISSED";

    /// <summary>Writes the targets of one issue as a Markdown table (target, measured, verdict).</summary>
    /// <param name="output">Where the table goes.</param>
    /// <param name="issue">The issue number the targets come from.</param>
    /// <param name="targets">The targets.</param>
    public static void WriteTable(TextWriter output, int issue, IEnumerable<TargetCheck> targets)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(targets);
        output.WriteLine($"| target (issue {issue}) | measured | verdict |");
        output.WriteLine("|---|---|---|");
        foreach (var t in targets)
        {
            output.WriteLine($"| {t.Description} | {t.Actual}{(t.Note.Length > 0 ? $" — {t.Note}" : string.Empty)} | {t.Verdict} |");
        }
    }

    /// <summary>Writes the target as a JSON object.</summary>
    /// <param name="writer">The writer, positioned where a value may go.</param>
    public void WriteJson(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        writer.WriteString("name", Name);
        writer.WriteString("target", Description);
        writer.WriteString("actual", Actual);
        writer.WriteBoolean("met", Met);
        if (Note.Length > 0)
        {
            writer.WriteString("note", Note);
        }

        writer.WriteEndObject();
    }
}
