using System.Text;
using System.Text.Json;

namespace EdgeTransfer.Benchmarks;

/// <summary>Small helpers for the benchmarks' hand-written JSON (no reflection, stable key order).</summary>
internal static class Json
{
    /// <summary>JSON has no NaN or ∞: a figure that could not be measured is written as null.</summary>
    public static void WriteNumber(Utf8JsonWriter writer, string name, double value)
    {
        if (double.IsFinite(value))
        {
            writer.WriteNumber(name, Math.Round(value, 6));
        }
        else
        {
            writer.WriteNull(name);
        }
    }

    /// <summary>Runs <paramref name="write"/> against an indented writer and returns the text.</summary>
    public static string Write(Action<Utf8JsonWriter> write)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            write(writer);
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>Writes the list of targets as an array, and whether all were met.</summary>
    public static void WriteTargets(Utf8JsonWriter writer, IReadOnlyList<TargetCheck> targets)
    {
        writer.WriteStartArray("targets");
        foreach (var t in targets)
        {
            t.WriteJson(writer);
        }

        writer.WriteEndArray();
        writer.WriteBoolean("allTargetsMet", targets.All(t => t.Met));
    }
}
