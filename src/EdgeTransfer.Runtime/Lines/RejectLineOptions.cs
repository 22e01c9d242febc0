namespace EdgeTransfer.Runtime.Lines;

/// <summary>Settings of a <see cref="RejectLine"/>; checked by <see cref="RejectLineOptionsValidator"/>.</summary>
public sealed class RejectLineOptions
{
    /// <summary>The output pin (the controller's numbering).</summary>
    public required int Pin { get; init; }

    /// <summary>How long the output stays active for one reject. Default 100 ms.</summary>
    public TimeSpan PulseDuration { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>The inactive time between two queued pulses, so that the actuator (or a PLC counting pulses) sees two. Default 20 ms.</summary>
    public TimeSpan MinimumGap { get; init; } = TimeSpan.FromMilliseconds(20);

    /// <summary>Which level is active. Default active-high.</summary>
    public OutputPolarity Polarity { get; init; } = OutputPolarity.ActiveHigh;

    /// <summary>How many pulses may wait behind the current one; further rejects are counted as dropped. Default 16.</summary>
    public int MaxPendingPulses { get; init; } = 16;
}
