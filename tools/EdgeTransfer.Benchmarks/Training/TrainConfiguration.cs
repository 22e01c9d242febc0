using System.Text.Json;

namespace EdgeTransfer.Benchmarks.Training;

/// <summary>One way of running the head training: a timing of ORT with a thread count and spinning, or the plain C# baseline.</summary>
/// <param name="Name">What ran, for people (<c>ORT, 1 thread, spinning off</c>).</param>
/// <param name="Threads">ORT intra-op threads; 0 for the plain C# baseline.</param>
/// <param name="Spinning">Whether ORT's intra-op threads were allowed to spin.</param>
/// <param name="TrainSeconds">Seconds of one whole training run (all epochs), over the repeats.</param>
/// <param name="SetupSeconds">Seconds to create the sessions and buffers before training (0 for the baseline).</param>
/// <param name="Steps">Optimizer steps of one run.</param>
/// <param name="FinalLoss">The last epoch's mean loss (the same for every configuration when all is well).</param>
public sealed record TrainConfiguration(string Name, int Threads, bool Spinning, TimingStatistics TrainSeconds, TimingStatistics SetupSeconds, long Steps, double FinalLoss)
{
    /// <summary>Whether this is the plain C# baseline rather than ORT.</summary>
    public bool IsBaseline => Threads == 0;

    /// <summary>Optimizer steps per second at the median run.</summary>
    public double StepsPerSecond => TrainSeconds.Median > 0 ? Steps / TrainSeconds.Median : double.NaN;

    /// <summary>Microseconds per optimizer step (training graph + optimizer graph) at the median run.</summary>
    public double MicrosecondsPerStep => Steps > 0 ? TrainSeconds.Median * 1e6 / Steps : double.NaN;

    /// <summary>Writes the configuration as a JSON object.</summary>
    /// <param name="writer">The writer, positioned where a value may go.</param>
    public void WriteJson(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        writer.WriteString("name", Name);
        writer.WriteBoolean("baseline", IsBaseline);
        writer.WriteNumber("threads", Threads);
        writer.WriteBoolean("allowSpinning", Spinning);
        TrainSeconds.WriteJson(writer, "trainSeconds");
        SetupSeconds.WriteJson(writer, "setupSeconds");
        writer.WriteNumber("steps", Steps);
        Json.WriteNumber(writer, "stepsPerSecond", StepsPerSecond);
        Json.WriteNumber(writer, "microsecondsPerStep", MicrosecondsPerStep);
        Json.WriteNumber(writer, "finalLoss", FinalLoss);
        writer.WriteEndObject();
    }
}
