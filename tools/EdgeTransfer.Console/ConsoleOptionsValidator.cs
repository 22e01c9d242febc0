using EdgeTransfer.Mqtt.Protocol;

namespace EdgeTransfer.LineConsole;

/// <summary>Checks <see cref="ConsoleOptions"/> before anything connects, naming the first bad setting as its command-line option.</summary>
public static class ConsoleOptionsValidator
{
    /// <summary>Throws <see cref="InvalidSettingException"/> for the first setting that cannot be used.</summary>
    /// <param name="options">The options to check.</param>
    public static void Validate(ConsoleOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ProtocolIds.RequireId(options.Fleet, "--fleet");
        if (options.Device is not null)
        {
            ProtocolIds.RequireId(options.Device, "--device");
        }

        if (options.Classes is { } classes)
        {
            if (classes.Count is 0 or > 64)
            {
                throw new InvalidSettingException("--classes", $"expected 1 to 64 class names separated by commas, got {classes.Count}.");
            }

            foreach (var name in classes)
            {
                ProtocolIds.RequireId(name, "--classes");
            }
        }

        Positive(options.CommandTimeout, "--timeout");
        Positive(options.TrainTimeout, "--train-timeout");
        Positive(options.StatusInterval, "--status-interval");
        if (options.PreviewInterval < TimeSpan.Zero)
        {
            throw new InvalidSettingException("--preview-interval", $"expected 0 (never) or a positive time, got {options.PreviewInterval}.");
        }

        if (options.PreviewSize is < 8 or > 96)
        {
            throw new InvalidSettingException("--preview-size", $"expected 8 to 96 pixels, got {options.PreviewSize}.");
        }
    }

    private static void Positive(TimeSpan value, string option)
    {
        if (value <= TimeSpan.Zero)
        {
            throw new InvalidSettingException(option, $"expected a positive time, got {value}.");
        }
    }
}
