namespace EdgeTransfer.Runtime.Heads;

/// <summary>A head registry cannot do what was asked: nothing to roll back to, in use by another process, a write refused.</summary>
/// <remarks>The head in service is never changed by an operation that ends with this error.</remarks>
public sealed class HeadRegistryException : EdgeTransferException
{
    /// <summary>Creates the error.</summary>
    /// <param name="registryPath">The heads directory.</param>
    /// <param name="reason">What is wrong and what to do, as a sentence.</param>
    /// <param name="innerException">The I/O or checkpoint error behind it, if any.</param>
    public HeadRegistryException(string registryPath, string reason, Exception? innerException = null)
        : base($"Head registry '{registryPath}': {reason}", innerException)
    {
        RegistryPath = registryPath;
        Reason = reason;
    }

    /// <summary>The heads directory.</summary>
    public string RegistryPath { get; }

    /// <summary>What is wrong and what to do.</summary>
    public string Reason { get; }
}
