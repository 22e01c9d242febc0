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
            // A head's tensors are small (a batch of 512 features, a few classes); ONNX Runtime's arena keeps every chunk
            // it ever grew until the session closes, which held 3 MB past the device's recipe run and raised its peak.
            // The per-frame head predictor loses nothing by it: head p50 / p99 0.030 / 0.092 ms without the arena,
            // 0.031 / 0.091 ms with it (`bench pipeline`, docs/benchmarks.md).
            EnableCpuMemArena = false,
        };
        try
        {
            // A session config key of ONNX Runtime (not a SessionOptions property): whether idle intra-op threads spin.
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
