namespace EdgeTransfer.Runtime.Configuration;

/// <summary>The <c>reject.gpio</c> section: the output that drives the ejector.</summary>
public sealed class GpioRejectOptions
{
    /// <summary>The GPIO chip number (<c>/dev/gpiochipN</c>), 0 to 63. Default 0.</summary>
    public int Chip { get; set; }

    /// <summary>The line (pin) on the chip, 0 to 1023; required when <c>reject.kind</c> is <c>gpio</c> (no default).</summary>
    public int? Pin { get; set; }

    /// <summary>The length of the reject pulse, 1 to 10000 ms. Default 100.</summary>
    public int PulseMs { get; set; } = 100;

    /// <summary>Whether the pulse drives the line high (true, default) or low.</summary>
    public bool ActiveHigh { get; set; } = true;
}
