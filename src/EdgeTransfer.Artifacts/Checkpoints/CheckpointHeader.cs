namespace EdgeTransfer.Artifacts.Checkpoints;

/// <summary>The JSON header of a <c>.etck</c> file: what the float data that follows it holds.</summary>
internal sealed record CheckpointHeader
{
    public required long Step { get; init; }

    public required IReadOnlyDictionary<string, string> Metadata { get; init; }

    public required IReadOnlyList<CheckpointTensorEntry> Parameters { get; init; }

    public required IReadOnlyList<CheckpointTensorEntry> OptimizerState { get; init; }
}
