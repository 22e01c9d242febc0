namespace EdgeTransfer.Onnx.Heads;

/// <summary>The name and shape of one head parameter, as the graphs and the checkpoint use it.</summary>
/// <param name="Name">The graph input name (<c>head.weight</c>, <c>head.fc1.bias</c> …).</param>
/// <param name="Shape">The dimensions, row-major.</param>
public sealed record HeadParameter(string Name, IReadOnlyList<long> Shape)
{
    /// <summary>Whether weight decay applies: weight matrices (<c>*.weight</c>) only, never biases (docs/bundle.md).</summary>
    public bool IsWeight => Name.EndsWith(".weight", StringComparison.Ordinal);

    /// <summary>The number of values.</summary>
    public long ElementCount => Shape.Aggregate(1L, (a, d) => a * d);
}
