using EdgeTransfer.Onnx.Heads;

namespace EdgeTransfer.Benchmarks.Training;

/// <summary>Checks <see cref="TrainBenchmarkOptions"/> before any work starts, naming the option as the CLI spells it.</summary>
public static class TrainBenchmarkOptionsValidator
{
    /// <summary>The repeats issue 4's protocol asks for; fewer are accepted but flagged in the report.</summary>
    public const int ProtocolRepeats = 5;

    /// <summary>Throws <see cref="InvalidSettingException"/> for the first value that cannot be used.</summary>
    /// <param name="options">The options.</param>
    /// <returns>The parsed head.</returns>
    public static HeadArchitecture Validate(TrainBenchmarkOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Range("--samples", options.Samples, 1, 10_000_000);
        Range("--epochs", options.Epochs, 1, 100_000);
        Range("--batch", options.BatchSize, 1, 1_000_000);
        Range("--threads", options.Threads, 1, 256);
        Range("--repeats", options.Repeats, 1, 10_000);
        Range("--classes", options.Classes, 2, 10_000);
        Range("--feature-size", options.FeatureSize, 1, 1_000_000);
        if (!float.IsFinite(options.LearningRate) || options.LearningRate <= 0)
        {
            throw new InvalidSettingException("--lr", $"expected a positive learning rate, got {options.LearningRate}.");
        }

        // Parse names --head in its errors itself.
        return HeadArchitecture.Parse(options.Head);
    }

    private static void Range(string option, int value, int min, int max)
    {
        if (value < min || value > max)
        {
            throw new InvalidSettingException(option, $"expected {min} to {max}, got {value}.");
        }
    }
}
