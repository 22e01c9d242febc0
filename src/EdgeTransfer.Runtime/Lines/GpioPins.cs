using System.Device.Gpio;

namespace EdgeTransfer.Runtime.Lines;

/// <summary>Opening the pin of a GPIO line (<see cref="GpioTrigger"/>, <see cref="RejectLine"/>) for that line alone.</summary>
internal static class GpioPins
{
    /// <summary>
    /// Opens <paramref name="pin"/> on <paramref name="controller"/>, refusing a pin that is already open there:
    /// <see cref="GpioController"/> hands out an already open pin again, and taking over someone else's pin (and
    /// closing it on dispose) would be a silent bug.
    /// </summary>
    /// <param name="controller">The GPIO controller.</param>
    /// <param name="pin">The pin number.</param>
    /// <param name="mode">The mode to open it in.</param>
    /// <param name="initialValue">The level to open an output with (no glitch before the first write); null for none.</param>
    /// <param name="setting">The setting named in the error (<c>RejectLineOptions.Pin</c>).</param>
    /// <param name="owner">What needs the pin, as the error names it (<c>the trigger</c>).</param>
    /// <param name="modeName">The mode as the error names it (<c>an output</c>).</param>
    /// <exception cref="InvalidSettingException">The pin is already open on the controller, or cannot be opened.</exception>
    public static void OpenExclusive(GpioController controller, int pin, PinMode mode, PinValue? initialValue, string setting, string owner, string modeName)
    {
        if (controller.IsPinOpen(pin))
        {
            throw new InvalidSettingException(setting, $"pin {pin} is already open on this GPIO controller; {owner} needs a pin of its own.");
        }

        try
        {
            if (initialValue is { } value)
            {
                controller.OpenPin(pin, mode, value);
            }
            else
            {
                controller.OpenPin(pin, mode);
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or NotSupportedException)
        {
            throw new InvalidSettingException(setting, $"pin {pin} cannot be opened as {modeName}: {ex.Message} Check the pin number and that no other program holds it.", ex);
        }
    }
}
