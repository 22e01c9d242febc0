using EdgeTransfer.Runtime.Configuration;
using EdgeTransfer.Runtime.Features;
using EdgeTransfer.Runtime.Inspection.Tests.Support;
using EdgeTransfer.Runtime.Loading;

namespace EdgeTransfer.Runtime.Inspection.Tests.Features;

[Collection(SharedBundle.Name)]
public sealed class BackboneSessionTests(PreparedBundle prepared)
{
    /// <summary>
    /// Bytes a steady-state run may allocate on the calling thread. Measured 0 B per run for batch 1 and batch 4
    /// over 50 runs (IoBinding over pinned arrays: no managed allocation on the run path); the allowance only
    /// covers a one-off lazy initialisation inside ORT's managed wrapper, not a per-frame cost.
    /// </summary>
    private const long AllocationAllowance = 1024;

    [Theory]
    [InlineData(ExecutionProviderKind.Cuda, "'cuda'", "Microsoft.ML.OnnxRuntime.Gpu")]
    [InlineData(ExecutionProviderKind.DirectML, "'directml'", "Microsoft.ML.OnnxRuntime.DirectML")]
    public void Create_FailsNamingProviderPackageAndCpuFallback_WhenTheProviderIsNotInThisOnnxRuntime(ExecutionProviderKind provider, string name, string package)
    {
        // Given a bundle and the CPU-only ONNX Runtime package of this machine
        var bundle = DeviceBundle.Open(prepared.Directory);

        // When the backbone is asked to run on a GPU provider
        var error = Assert.Throws<ExecutionProviderUnavailableException>(() => bundle.CreateBackbone(new BackboneOptions { ExecutionProvider = provider }));

        // Then the error names the provider, the package that carries it, and the CPU fallback, and keeps the native error
        Assert.Equal(provider, error.Provider);
        Assert.Equal(package, error.PackageName);
        Assert.Contains(name, error.Message, StringComparison.Ordinal);
        Assert.Contains(package, error.Message, StringComparison.Ordinal);
        Assert.Contains("\"cpu\"", error.Message, StringComparison.Ordinal);
        Assert.Contains("fallback", error.Message, StringComparison.Ordinal);
        Assert.NotNull(error.InnerException);
    }

    [Fact]
    public void Create_RunsOnCpu_WhenFallbackIsAllowedAndCudaIsMissing()
    {
        // Given a bundle, and options that allow falling back
        var bundle = DeviceBundle.Open(prepared.Directory);

        // When the backbone is asked for CUDA
        using var session = bundle.CreateBackbone(new BackboneOptions { ExecutionProvider = ExecutionProviderKind.Cuda, FallBackToCpu = true });

        // Then it runs on the CPU and says why
        Assert.Equal(ExecutionProviderKind.Cpu, session.ExecutionProvider);
        Assert.Contains("'cuda'", session.FallbackReason, StringComparison.Ordinal);
        Assert.Equal(512, session.Run().Length);
    }

    [Fact]
    public void Run_AllocatesNothing_InSteadyState()
    {
        // Given a warmed-up session at batch 1 and at batch 4
        var bundle = DeviceBundle.Open(prepared.Directory);
        using var session = bundle.CreateBackbone(new BackboneOptions { IntraOpThreads = 1 });
        Fill(session.Input, 1);
        session.Run();
        Fill(session.BatchInput(4), 2);
        session.RunBatch(4);

        // When it runs 50 more times each
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 50; i++)
        {
            session.Run();
        }

        var single = GC.GetAllocatedBytesForCurrentThread() - before;
        before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 50; i++)
        {
            session.RunBatch(4);
        }

        var batch = GC.GetAllocatedBytesForCurrentThread() - before;

        // Then nothing is allocated per run
        Assert.True(single <= AllocationAllowance, $"50 batch-1 runs allocated {single} bytes.");
        Assert.True(batch <= AllocationAllowance, $"50 batch-4 runs allocated {batch} bytes.");
    }

    [Fact]
    public void RunBatch_GivesTheFeaturesOfSingleRuns()
    {
        // Given four different images
        var bundle = DeviceBundle.Open(prepared.Directory, BackboneChoice.FullPrecision);
        using var session = bundle.CreateBackbone(new BackboneOptions { IntraOpThreads = 1 });
        var n = session.ValuesPerImage;
        var batchInput = session.BatchInput(4);
        for (var b = 0; b < 4; b++)
        {
            Fill(batchInput.Slice(b * n, n), b + 1);
        }

        // When they run as one batch and one by one
        var batch = session.RunBatch(4).ToArray();
        for (var b = 0; b < 4; b++)
        {
            Fill(session.Input, b + 1);
            var single = session.Run();

            // Then the rows match
            for (var i = 0; i < session.FeatureSize; i++)
            {
                Assert.Equal(single[i], batch[(b * session.FeatureSize) + i], 0.01f * Math.Max(1f, Math.Abs(single[i])));
            }
        }
    }

    [Fact]
    public void Dispose_IsIdempotent_AndLaterUseThrows()
    {
        // Given a session
        var session = DeviceBundle.Open(prepared.Directory).CreateBackbone();

        // When it is disposed twice
        session.Dispose();
        session.Dispose();

        // Then using it says so
        Assert.Throws<ObjectDisposedException>(() => session.Run());
    }

    private static void Fill(Span<float> values, int seed)
    {
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = (((i * 7919) + (seed * 104729)) % 255) - 120f;
        }
    }
}
