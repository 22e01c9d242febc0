using System.Device.Gpio.Drivers;
using System.Runtime.Versioning;

namespace EdgeTransfer.Runtime.Lines;

/// <summary>The Linux part: a reject output on a GPIO chip through libgpiod.</summary>
public sealed partial class RejectLine
{
    /// <summary>Opens the output pin on GPIO chip <paramref name="chip"/> (<c>/dev/gpiochipN</c>) through libgpiod.</summary>
    /// <param name="chip">The chip number (check <c>gpioinfo</c>).</param>
    /// <param name="options">The pin (line offset on the chip), pulse, gap and polarity.</param>
    /// <param name="timeProvider">The clock for pulse timing; <see cref="TimeProvider.System"/> when null.</param>
    /// <returns>The reject line, which owns the chip's driver.</returns>
    [SupportedOSPlatform("linux")]
    public static RejectLine OpenChip(int chip, RejectLineOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(chip);
        return new RejectLine(options, new LibGpiodDriver(chip), timeProvider);
    }
}
