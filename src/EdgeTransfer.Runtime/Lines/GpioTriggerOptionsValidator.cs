using System.Device.Gpio;

namespace EdgeTransfer.Runtime.Lines;

/// <summary>Checks <see cref="GpioTriggerOptions"/>.</summary>
internal static class GpioTriggerOptionsValidator
{
    /// <summary>Throws <see cref="InvalidSettingException"/> naming the first bad value.</summary>
    /// <param name="options">The options.</param>
    public static void Validate(GpioTriggerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Pin < 0)
        {
            throw new InvalidSettingException("GpioTriggerOptions.Pin", $"must be 0 or more; got {options.Pin}.");
        }

        if (!Enum.IsDefined(options.Edge))
        {
            throw new InvalidSettingException("GpioTriggerOptions.Edge", $"must be Rising or Falling; got {options.Edge}.");
        }

        if (options.Debounce < TimeSpan.Zero || options.Debounce > TimeSpan.FromSeconds(1))
        {
            throw new InvalidSettingException("GpioTriggerOptions.Debounce", $"must be from 0 to 1000 ms; got {options.Debounce.TotalMilliseconds} ms.");
        }

        if (options.InputMode is not (PinMode.Input or PinMode.InputPullUp or PinMode.InputPullDown))
        {
            throw new InvalidSettingException("GpioTriggerOptions.InputMode", $"must be Input, InputPullUp or InputPullDown; got {options.InputMode}.");
        }

        if (options.MaxPendingTriggers < 1)
        {
            throw new InvalidSettingException("GpioTriggerOptions.MaxPendingTriggers", $"must be 1 or more; got {options.MaxPendingTriggers}.");
        }
    }
}
