namespace EdgeTransfer.Artifacts.Manifest;

/// <summary>The trainable head: its kind, size, seed and parameters (docs/bundle.md, "Graph interfaces").</summary>
public sealed record HeadSpec
{
    /// <summary>Linear or two-layer MLP.</summary>
    public required HeadKind Kind { get; init; }

    /// <summary>The hidden width of an MLP head; 0 for a linear head.</summary>
    public int Hidden { get; init; }

    /// <summary>The seed the initial parameters were drawn with.</summary>
    public long Seed { get; init; }

    /// <summary>The parameters in graph input order.</summary>
    public required IReadOnlyList<ParameterSpec> Parameters { get; init; }

    /// <summary>The parameter names and shapes the graph contract prescribes for this head.</summary>
    /// <param name="kind">The head kind.</param>
    /// <param name="hidden">The hidden width (MLP only).</param>
    /// <param name="featureSize">The feature length D.</param>
    /// <param name="classCount">The number of classes C.</param>
    public static IReadOnlyList<ParameterSpec> ExpectedParameters(HeadKind kind, int hidden, int featureSize, int classCount) =>
        kind == HeadKind.Linear
            ?
            [
                new() { Name = "head.weight", Shape = [featureSize, classCount] },
                new() { Name = "head.bias", Shape = [classCount] },
            ]
            :
            [
                new() { Name = "head.fc1.weight", Shape = [featureSize, hidden] },
                new() { Name = "head.fc1.bias", Shape = [hidden] },
                new() { Name = "head.fc2.weight", Shape = [hidden, classCount] },
                new() { Name = "head.fc2.bias", Shape = [classCount] },
            ];
}
