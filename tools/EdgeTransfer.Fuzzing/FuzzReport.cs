using System.Globalization;
using System.Text;
using System.Text.Json;

namespace EdgeTransfer.Fuzzing;

/// <summary>The figures of a fuzzing run over several surfaces, as a table or JSON.</summary>
/// <param name="Seed">The run's seed.</param>
/// <param name="CountPerSurface">Inputs asked for per surface.</param>
/// <param name="MemoryLimitBytes">The memory limit checked.</param>
/// <param name="Surfaces">One report per surface.</param>
public sealed record FuzzReport(int Seed, int CountPerSurface, long MemoryLimitBytes, IReadOnlyList<FuzzSurfaceReport> Surfaces)
{
    /// <summary>Whether every input of every surface ended in success or a clear error, within the limits.</summary>
    public bool Passed => Surfaces.All(s => s.Failures == 0 && !s.Aborted && s.PeakRssBytes <= MemoryLimitBytes);

    /// <summary>Writes the figures as a table.</summary>
    /// <param name="writer">Where to.</param>
    /// <param name="machine">The machine line (cores, load, runtime).</param>
    public void WriteTable(TextWriter writer, string machine)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteLine($"machine: {machine}");
        writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"seed {Seed}, {CountPerSurface:N0} inputs per surface, memory limit {MemoryLimitBytes >> 20} MiB"));
        writer.WriteLine($"{"surface",-12} {"inputs",8} {"success",8} {"clear err",9} {"failures",8} {"slowest ms",10} {"peak RSS MiB",12}");
        foreach (var s in Surfaces)
        {
            writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{s.Surface,-12} {s.Inputs,8} {s.Successes,8} {s.ClearErrors,9} {s.Failures,8} {s.SlowestMs,10:0.0} {s.PeakRssBytes / 1048576.0,12:0.0}{(s.Aborted ? "  (stopped early)" : string.Empty)}"));
        }

        foreach (var f in Surfaces.SelectMany(s => s.FirstFailures))
        {
            writer.WriteLine($"failure {f.Surface} seed={f.Seed} iteration={f.Iteration}: {f.Reason} (input: {f.InputFile ?? "not written"})");
        }

        writer.WriteLine(Passed ? "result: no failure" : "result: FAILURES (replay with --replay <file> --surface <name>)");
    }

    /// <summary>The figures as one JSON object.</summary>
    /// <param name="writeMachine">Writes the <c>machine</c> member.</param>
    public string ToJson(Action<Utf8JsonWriter> writeMachine)
    {
        ArgumentNullException.ThrowIfNull(writeMachine);
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writeMachine(writer);
            writer.WriteNumber("seed", Seed);
            writer.WriteNumber("countPerSurface", CountPerSurface);
            writer.WriteNumber("memoryLimitBytes", MemoryLimitBytes);
            writer.WriteStartArray("surfaces");
            foreach (var s in Surfaces)
            {
                writer.WriteStartObject();
                writer.WriteString("surface", s.Surface);
                writer.WriteNumber("inputs", s.Inputs);
                writer.WriteNumber("successes", s.Successes);
                writer.WriteNumber("clearErrors", s.ClearErrors);
                writer.WriteNumber("failures", s.Failures);
                writer.WriteNumber("slowestMs", Math.Round(s.SlowestMs, 3));
                writer.WriteNumber("slowestIteration", s.SlowestIteration);
                writer.WriteNumber("peakRssBytes", s.PeakRssBytes);
                writer.WriteBoolean("aborted", s.Aborted);
                writer.WriteStartArray("failureList");
                foreach (var f in s.FirstFailures)
                {
                    writer.WriteStartObject();
                    writer.WriteNumber("iteration", f.Iteration);
                    writer.WriteString("reason", f.Reason);
                    writer.WriteString("input", f.InputFile);
                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteBoolean("passed", Passed);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
