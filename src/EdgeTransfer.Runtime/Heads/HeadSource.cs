namespace EdgeTransfer.Runtime.Heads;

/// <summary>How a head version came to be.</summary>
public enum HeadSource
{
    /// <summary>The bundle's initial checkpoint, put in service when the registry was empty.</summary>
    Initial,

    /// <summary>Trained on the device and promoted by the quality gate.</summary>
    Trained,

    /// <summary>A copy of an earlier version, made by <see cref="HeadRegistry.Rollback"/>.</summary>
    Rollback,
}
