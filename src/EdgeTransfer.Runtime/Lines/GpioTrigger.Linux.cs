using System.Device.Gpio.Drivers;
using System.Runtime.Versioning;

namespace EdgeTransfer.Runtime.Lines;

/// <summary>The Linux part: a trigger on a GPIO chip through libgpiod.</summary>
public sealed partial class GpioTrigger
{
    /// <summary>Opens the input pin on GPIO chip <paramref name="chip"/> (<c>/dev/gpiochipN</c>) through libgpiod.</summary>
    /// <param name="chip">The chip number (on a Raspberry Pi 5 the header pins are on chip 4 with older kernels, 0 with newer ones: check <c>gpioinfo</c>).</param>
    /// <param name="options">The pin (line offset on the chip), edge and debounce.</param>
    /// <param name="timeProvider">The clock for debouncing; <see cref="TimeProvider.System"/> when null.</param>
    /// <returns>The trigger, which owns the chip's driver.</returns>
    [SupportedOSPlatform("linux")]
    public static GpioTrigger OpenChip(int chip, GpioTriggerOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(chip);
        return new GpioTrigger(options, new LibGpiodDriver(chip), timeProvider);
    }
}
