namespace EdgeTransfer.Artifacts.Manifest;

/// <summary>The optimizer and its hyper-parameters; β₁, β₂, ε and μ are constants of the optimizer graph.</summary>
public sealed record OptimizerSpec
{
    /// <summary>AdamW or SGD.</summary>
    public required OptimizerKind Kind { get; init; }

    /// <summary>The default learning rate (an input of the graph, so training may change it).</summary>
    public required double LearningRate { get; init; }

    /// <summary>The default decoupled weight decay (weights only, never biases).</summary>
    public double WeightDecay { get; init; }

    /// <summary>Adam's β₁ (built into the graph).</summary>
    public double Beta1 { get; init; }

    /// <summary>Adam's β₂ (built into the graph).</summary>
    public double Beta2 { get; init; }

    /// <summary>Adam's ε (built into the graph).</summary>
    public double Epsilon { get; init; }

    /// <summary>SGD's momentum μ (built into the graph).</summary>
    public double Momentum { get; init; }

    /// <summary>The prefixes of the state tensors: <c>&lt;prefix&gt;.&lt;parameter&gt;</c> (<c>adam.m</c>, <c>adam.v</c>).</summary>
    public required IReadOnlyList<string> State { get; init; }
}
