namespace EdgeTransfer.Runtime.Anomaly.Registry;

/// <summary>How an anomaly model version came to be.</summary>
public enum AnomalyModelSource
{
    /// <summary>Fitted on the device from good parts.</summary>
    Fitted,

    /// <summary>A copy of an earlier version, put back by a rollback.</summary>
    Rollback,
}
