namespace EdgeTransfer.Runtime.Configuration;

/// <summary>
/// The <c>trigger.gpio</c> section of <c>device.json</c>: a light barrier or a PLC output on a GPIO input. The device
/// turns it into the <see cref="Lines.GpioTriggerOptions"/> of the line it opens.
/// </summary>
public sealed class GpioTriggerSection
{
    /// <summary>The GPIO chip number (<c>/dev/gpiochipN</c>), 0 to 63. Default 0.</summary>
    public int Chip { get; set; }

    /// <summary>The line (pin) on the chip, 0 to 1023; required when <c>trigger.kind</c> is <c>gpio</c> (no default: a wrong pin is worse than none).</summary>
    public int? Pin { get; set; }

    /// <summary>The edge that triggers a frame. Default <c>rising</c>.</summary>
    public GpioEdge Edge { get; set; } = GpioEdge.Rising;

    /// <summary>Edges closer than this after the last one are ignored, 0 to 10000 ms. Default 20.</summary>
    public int DebounceMs { get; set; } = 20;
}
