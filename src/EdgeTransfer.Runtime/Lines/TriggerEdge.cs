namespace EdgeTransfer.Runtime.Lines;

/// <summary>Which transition of the light-barrier input means "a part has arrived".</summary>
public enum TriggerEdge
{
    /// <summary>Low to high (a barrier whose output goes high when the beam is broken).</summary>
    Rising,

    /// <summary>High to low (an open-collector / NPN barrier pulling the input low).</summary>
    Falling,
}
