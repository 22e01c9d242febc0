namespace EdgeTransfer.Runtime.Lines;

/// <summary>Which level of an output pin means "active" (reject now).</summary>
public enum OutputPolarity
{
    /// <summary>High is active (a relay or valve driver switched on by a high level).</summary>
    ActiveHigh,

    /// <summary>Low is active (an opto-coupler or PLC input wired to sink current).</summary>
    ActiveLow,
}
