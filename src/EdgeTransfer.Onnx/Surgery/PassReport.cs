namespace EdgeTransfer.Onnx.Surgery;

/// <summary>What one graph pass did, for the prepare report.</summary>
/// <param name="Pass">The pass's name (<c>opset-upgrade</c>, <c>fold-batchnorm</c>, …).</param>
/// <param name="Changes">One sentence per change; empty when the pass left the model as it was.</param>
public sealed record PassReport(string Pass, IReadOnlyList<string> Changes)
{
    /// <summary>Whether the pass changed the model.</summary>
    public bool Changed => Changes.Count > 0;

    /// <inheritdoc />
    public override string ToString() =>
        Changed ? $"{Pass}: {string.Join("; ", Changes)}" : $"{Pass}: no change";
}
