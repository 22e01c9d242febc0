using System.Device.Gpio;

namespace EdgeTransfer.Runtime.Lines;

/// <summary>Settings of a <see cref="GpioTrigger"/>; checked by <see cref="GpioTriggerOptionsValidator"/>.</summary>
public sealed class GpioTriggerOptions
{
    /// <summary>The input pin (the controller's numbering: the line offset on the chip for libgpiod).</summary>
    public required int Pin { get; init; }

    /// <summary>The edge that means "part arrived". Default rising.</summary>
    public TriggerEdge Edge { get; init; } = TriggerEdge.Rising;

    /// <summary>
    /// The debounce window: an edge that follows any other edge within this time is contact bounce and is
    /// ignored. Default 20 ms (mechanical contacts settle within 1–10 ms; parts on a line are far apart).
    /// </summary>
    public TimeSpan Debounce { get; init; } = TimeSpan.FromMilliseconds(20);

    /// <summary>The input mode: plain input, or with the pull-up an open-collector barrier needs. Default <see cref="PinMode.Input"/>.</summary>
    public PinMode InputMode { get; init; } = PinMode.Input;

    /// <summary>How many triggers may wait for a busy consumer; further ones are counted as missed. Default 16.</summary>
    public int MaxPendingTriggers { get; init; } = 16;
}
