using Microsoft.ML.OnnxRuntime;

namespace EdgeTransfer.Training;

/// <summary>Makes the <see cref="SessionOptions"/> every head session uses.</summary>
internal static class SessionFactory
{
    public static SessionOptions CreateOptions(RuntimeOptions runtime)
    {
        var options = new SessionOptions
        {
            IntraOpNumThreads = runtime.IntraOpThreads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            // Head sessions are short-lived and their tensors small; ONNX Runtime's arena keeps every chunk it ever
            // grew until the session closes, which on the device held 3 MB past the recipe run and raised its peak.
            EnableCpuMemArena = false,
        };
        try
        {
            // Config key from onnxruntime_session_options_config_keys.h.
            options.AddSessionConfigEntry("session.intra_op.allow_spinning", runtime.AllowSpinning ? "1" : "0");
            return options;
        }
        catch
        {
            options.Dispose();
            throw;
        }
    }
}
