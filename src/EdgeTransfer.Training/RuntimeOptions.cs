namespace EdgeTransfer.Training;

/// <summary>How ONNX Runtime runs the head graphs on this machine.</summary>
public sealed class RuntimeOptions
{
    /// <summary>
    /// Intra-op threads per session; default 1. The head graphs are tiny (a few small GEMMs): one thread
    /// was measured faster than two on the 2-core reference VM, because the hand-off costs more than the work.
    /// </summary>
    public int IntraOpThreads { get; set; } = 1;

    /// <summary>
    /// ORT's <c>session.intra_op.allow_spinning</c>: whether idle pool threads spin. Only matters with more
    /// than one intra-op thread; default false, since spinning threads took cores from the backbone in our measurements.
    /// </summary>
    public bool AllowSpinning { get; set; }

    /// <summary>Throws <see cref="InvalidSettingException"/> naming the first bad value.</summary>
    public void Validate() => RuntimeOptionsValidator.Validate(this);
}
