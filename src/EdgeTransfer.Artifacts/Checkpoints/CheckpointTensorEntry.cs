namespace EdgeTransfer.Artifacts.Checkpoints;

/// <summary>One tensor of a checkpoint header: its name and shape; its values follow the header in order.</summary>
internal sealed record CheckpointTensorEntry
{
    public required string Name { get; init; }

    public required IReadOnlyList<long> Shape { get; init; }
}
