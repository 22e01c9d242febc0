namespace EdgeTransfer.Runtime.Configuration;

/// <summary>The <c>executionProvider</c> section: how ONNX Runtime runs the models.</summary>
public sealed class ExecutionProviderOptions
{
    /// <summary>The provider: <c>cpu</c> (default), <c>cuda</c> or <c>directml</c> (Windows only).</summary>
    public ExecutionProviderKind Kind { get; set; } = ExecutionProviderKind.Cpu;

    /// <summary>Intra-op threads of the backbone session, 0 to 256; 0 (default) lets ONNX Runtime use one per core.</summary>
    public int IntraOpThreads { get; set; }

    /// <summary>
    /// ONNX Runtime's <c>session.intra_op.allow_spinning</c>. Default false: on the 2-core reference machine the
    /// ResNet18 ran at ~12–14 ms per image without spinning against ~25–27 ms with it (docs/benchmarks.md).
    /// </summary>
    public bool AllowSpinning { get; set; }
}
