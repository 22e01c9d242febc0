namespace EdgeTransfer.Agent.Replies;

/// <summary>The <c>result</c> of a <c>rollback</c> reply with <c>"anomaly": true</c>.</summary>
public sealed record AnomalyRollbackResult
{
    /// <summary>The anomaly model version now in service (<c>a0003</c>): a copy of the restored one under a new number.</summary>
    public string AnomalyModel { get; init; } = "";

    /// <summary>The version that was restored (<c>a0001</c>).</summary>
    public string? RestoredFrom { get; init; }

    /// <summary>The raw threshold of the model now in service.</summary>
    public double Threshold { get; init; }
}
