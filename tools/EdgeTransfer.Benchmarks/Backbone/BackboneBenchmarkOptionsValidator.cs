namespace EdgeTransfer.Benchmarks.Backbone;

/// <summary>Checks <see cref="BackboneBenchmarkOptions"/> before any work starts, naming the option as the CLI spells it.</summary>
public static class BackboneBenchmarkOptionsValidator
{
    /// <summary>
    /// The timed runs issue 3 asks for. Fewer are accepted (smoke tests, quick looks), but the report then
    /// says that its figures do not follow the protocol.
    /// </summary>
    public const int ProtocolRuns = 20;

    /// <summary>Throws <see cref="InvalidSettingException"/> for the first value that cannot be used.</summary>
    /// <param name="options">The options.</param>
    public static void Validate(BackboneBenchmarkOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Positive("--runs", options.Runs, 100_000);
        if (options.Warmup < 0 || options.Warmup > 10_000)
        {
            throw new InvalidSettingException("--warmup", $"expected 0 to 10000 untimed runs, got {options.Warmup}.");
        }

        Positive("--threads", options.Threads, 256);
        Positive("--calibration-images", options.CalibrationImages, 100_000);
        if (options.BatchSizes.Count == 0 || options.BatchSizes.Any(b => b < 1 || b > 1024))
        {
            throw new InvalidSettingException("--batch-sizes", $"expected one or more batch sizes from 1 to 1024, got [{string.Join(",", options.BatchSizes)}].");
        }

        Positive("--train-per-class", options.SyntheticTrainPerClass, 100_000);
        Positive("--test-per-class", options.SyntheticTestPerClass, 100_000);
        Positive("--head-epochs", options.HeadEpochs, 100_000);
        Positive("--top-layers", options.TopLayers, 1000);
        if (!float.IsFinite(options.HeadLearningRate) || options.HeadLearningRate <= 0)
        {
            throw new InvalidSettingException("--head-lr", $"expected a positive learning rate, got {options.HeadLearningRate}.");
        }

        if (options.SyntheticClasses.Count < 2)
        {
            throw new InvalidSettingException("--classes", "a head needs at least two classes.");
        }

        if (options.DataDirectory is { } data && !Directory.Exists(data))
        {
            throw new InvalidSettingException("--data", $"the folder '{data}' does not exist; pass a folder with train/ and test/ ImageFolder trees, or leave --data out to generate synthetic parts.");
        }
    }

    private static void Positive(string option, int value, int max)
    {
        if (value < 1 || value > max)
        {
            throw new InvalidSettingException(option, $"expected 1 to {max}, got {value}.");
        }
    }
}
