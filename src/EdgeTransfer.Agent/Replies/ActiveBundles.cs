namespace EdgeTransfer.Agent.Replies;

/// <summary>The device's record of deployed bundles (<c>bundles/active.json</c>): which slot is in service and which one a rollback would use.</summary>
internal sealed record ActiveBundles
{
    /// <summary>The slot in service (<c>b0002</c>).</summary>
    public string Active { get; init; } = "";

    /// <summary>The slot before it, or null for the bundle of <c>device.json</c>.</summary>
    public string? Previous { get; init; }
}
