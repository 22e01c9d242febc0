namespace EdgeTransfer.Runtime.Lines;

/// <summary>Checks <see cref="RejectLineOptions"/>.</summary>
internal static class RejectLineOptionsValidator
{
    /// <summary>Throws <see cref="InvalidSettingException"/> naming the first bad value.</summary>
    /// <param name="options">The options.</param>
    public static void Validate(RejectLineOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Pin < 0)
        {
            throw new InvalidSettingException("RejectLineOptions.Pin", $"must be 0 or more; got {options.Pin}.");
        }

        if (options.PulseDuration < TimeSpan.FromMilliseconds(1) || options.PulseDuration > TimeSpan.FromSeconds(10))
        {
            throw new InvalidSettingException("RejectLineOptions.PulseDuration", $"must be from 1 ms to 10 s; got {options.PulseDuration.TotalMilliseconds} ms.");
        }

        if (options.MinimumGap < TimeSpan.Zero || options.MinimumGap > TimeSpan.FromSeconds(10))
        {
            throw new InvalidSettingException("RejectLineOptions.MinimumGap", $"must be from 0 to 10 s; got {options.MinimumGap.TotalMilliseconds} ms.");
        }

        if (!Enum.IsDefined(options.Polarity))
        {
            throw new InvalidSettingException("RejectLineOptions.Polarity", $"must be ActiveHigh or ActiveLow; got {options.Polarity}.");
        }

        if (options.MaxPendingPulses < 1)
        {
            throw new InvalidSettingException("RejectLineOptions.MaxPendingPulses", $"must be 1 or more; got {options.MaxPendingPulses}.");
        }
    }
}
