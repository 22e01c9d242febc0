using EdgeTransfer.Runtime.Configuration;

namespace EdgeTransfer.Runtime.Features;

/// <summary>
/// The configured execution provider is not in the ONNX Runtime native library this program ships with
/// (the CPU package has neither CUDA nor DirectML). The message names the provider, the package that
/// carries it, and that <c>cpu</c> is the fallback.
/// </summary>
public sealed class ExecutionProviderUnavailableException : EdgeTransferException
{
    /// <summary>Creates the error.</summary>
    /// <param name="provider">The provider that was asked for.</param>
    /// <param name="packageName">The NuGet package whose native library carries it.</param>
    /// <param name="message">The full sentence for the technician.</param>
    /// <param name="innerException">The native error (ONNX Runtime, missing entry point).</param>
    public ExecutionProviderUnavailableException(ExecutionProviderKind provider, string packageName, string message, Exception? innerException)
        : base(message, innerException)
    {
        Provider = provider;
        PackageName = packageName;
    }

    /// <summary>The provider that was asked for.</summary>
    public ExecutionProviderKind Provider { get; }

    /// <summary>The NuGet package whose native library carries the provider.</summary>
    public string PackageName { get; }
}
