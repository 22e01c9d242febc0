namespace EdgeTransfer.Runtime.Loading;

/// <summary>The device's record of deployed bundles (<c>bundles/active.json</c>): which slot is in service and which one a rollback would use.</summary>
internal sealed record ActiveBundles
{
    /// <summary>The slot in service (<c>b0002</c>).</summary>
    public string Active { get; init; } = "";

    /// <summary>The slot before it, or null for the bundle of <c>device.json</c>.</summary>
    public string? Previous { get; init; }

    /// <summary>Older slots kept for what they learned (samples, heads) that the active bundle could not take over.</summary>
    public List<string>? Kept { get; init; }

    /// <summary>The head version in service on the active slot when a slot was last kept: the kept slots go once a trained head above it is promoted.</summary>
    public int? KeptUntilAbove { get; init; }
}
