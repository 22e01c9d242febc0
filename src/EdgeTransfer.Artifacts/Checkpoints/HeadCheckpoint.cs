namespace EdgeTransfer.Artifacts.Checkpoints;

/// <summary>The state of a head: its parameters, its optimizer state and where training stands.</summary>
public sealed class HeadCheckpoint
{
    /// <summary>Creates a checkpoint.</summary>
    /// <param name="parameters">The head parameters, in graph input order.</param>
    /// <param name="optimizerState">The optimizer state tensors (may be empty).</param>
    /// <param name="step">The number of optimizer steps taken so far.</param>
    /// <param name="metadata">Free-form facts (head version, training accuracy, created at …).</param>
    public HeadCheckpoint(
        IReadOnlyList<NamedTensor> parameters,
        IReadOnlyList<NamedTensor>? optimizerState = null,
        long step = 0,
        IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        Parameters = parameters;
        OptimizerState = optimizerState ?? [];
        Step = step;
        Metadata = metadata ?? new Dictionary<string, string>();
    }

    /// <summary>The head parameters, in graph input order.</summary>
    public IReadOnlyList<NamedTensor> Parameters { get; }

    /// <summary>The optimizer state tensors (may be empty).</summary>
    public IReadOnlyList<NamedTensor> OptimizerState { get; }

    /// <summary>The number of optimizer steps taken so far.</summary>
    public long Step { get; }

    /// <summary>Free-form facts (head version, training accuracy, created at …).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Finds a parameter by name.</summary>
    /// <param name="name">The parameter name.</param>
    /// <exception cref="KeyNotFoundException">No parameter has that name.</exception>
    public NamedTensor Parameter(string name) =>
        Parameters.FirstOrDefault(p => p.Name == name)
        ?? throw new KeyNotFoundException($"The checkpoint has no parameter '{name}'; it has {string.Join(", ", Parameters.Select(p => p.Name))}.");
}
