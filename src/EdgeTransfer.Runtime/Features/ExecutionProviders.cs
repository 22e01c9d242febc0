using EdgeTransfer.Runtime.Configuration;
using Microsoft.ML.OnnxRuntime;

namespace EdgeTransfer.Runtime.Features;

/// <summary>Adds the configured execution provider to session options; the one place where a missing provider becomes an SDK error.</summary>
internal static class ExecutionProviders
{
    public const string CudaPackage = "Microsoft.ML.OnnxRuntime.Gpu";
    public const string DirectMLPackage = "Microsoft.ML.OnnxRuntime.DirectML";

    /// <summary>The name used in device.json.</summary>
    public static string Name(ExecutionProviderKind kind) => kind switch
    {
        ExecutionProviderKind.Cuda => "cuda",
        ExecutionProviderKind.DirectML => "directml",
        _ => "cpu",
    };

    /// <summary>Appends <paramref name="kind"/> to <paramref name="options"/>; the CPU provider needs nothing (ORT always has it, last in line).</summary>
    /// <exception cref="ExecutionProviderUnavailableException">The native library lacks the provider.</exception>
    public static void Append(SessionOptions options, ExecutionProviderKind kind, int deviceId)
    {
        try
        {
            switch (kind)
            {
                case ExecutionProviderKind.Cuda:
                    options.AppendExecutionProvider_CUDA(deviceId);
                    break;
                case ExecutionProviderKind.DirectML:
                    AppendDirectML(options, deviceId);
                    break;
                default:
                    break;
            }
        }
        // The CPU package answers a CUDA request with an ORT error; DirectML's entry point does not exist
        // outside the DirectML package (EntryPointNotFoundException); a provider library that fails to load
        // surfaces as DllNotFoundException. All three mean "not in this build".
        catch (Exception ex) when (ex is OnnxRuntimeException or EntryPointNotFoundException or DllNotFoundException)
        {
            throw Unavailable(kind, ex);
        }
    }

    public static ExecutionProviderUnavailableException Unavailable(ExecutionProviderKind kind, Exception inner)
    {
        var (package, needs) = kind == ExecutionProviderKind.Cuda
            ? (CudaPackage, " (with the CUDA and cuDNN libraries it names installed)")
            : (DirectMLPackage, ", which runs on Windows only");
        var name = Name(kind);
        return new ExecutionProviderUnavailableException(
            kind,
            package,
            $"Execution provider '{name}' is not available in this ONNX Runtime ({inner.Message.Trim()}). "
            + $"It ships in the NuGet package {package}{needs}; build the device program with that package, "
            + "or set executionProvider.kind to \"cpu\": the CPU provider is always available and is the fallback.",
            inner);
    }

    // Kept apart so that a missing entry point is raised here, inside the caller's catch, and not when the
    // calling method is compiled.
    private static void AppendDirectML(SessionOptions options, int deviceId) => options.AppendExecutionProvider_DML(deviceId);
}
