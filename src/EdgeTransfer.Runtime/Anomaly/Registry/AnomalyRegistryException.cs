namespace EdgeTransfer.Runtime.Anomaly.Registry;

/// <summary>An anomaly model registry cannot do what was asked: nothing to roll back to, in use by another process, a write refused.</summary>
/// <remarks>The model in service is never changed by an operation that ends with this error.</remarks>
public sealed class AnomalyRegistryException : EdgeTransferException
{
    /// <summary>Creates the error.</summary>
    /// <param name="registryPath">The anomaly models directory.</param>
    /// <param name="reason">What is wrong and what to do, as a sentence.</param>
    /// <param name="innerException">The I/O or model file error behind it, if any.</param>
    public AnomalyRegistryException(string registryPath, string reason, Exception? innerException = null)
        : base($"Anomaly model registry '{registryPath}': {reason}", innerException)
    {
        RegistryPath = registryPath;
        Reason = reason;
    }

    /// <summary>The anomaly models directory.</summary>
    public string RegistryPath { get; }

    /// <summary>What is wrong and what to do.</summary>
    public string Reason { get; }
}
