using EdgeTransfer.Mqtt.Commands;

namespace EdgeTransfer.Mqtt.Deployment;

/// <summary>
/// <c>cmd/deploy</c>: announces a bundle archive that follows in chunks — its size, sha256, chunk size
/// and the sha256 of every chunk. Sending the same plan again is how the fleet tool resumes: the reply
/// lists the chunks the device already holds.
/// </summary>
public sealed record DeployRequest : CommandRequest
{
    /// <summary>The deployment id (an id, chosen by the fleet tool; it keys the staging area, never a path).</summary>
    public required string DeploymentId { get; init; }

    /// <summary>The archive size in bytes.</summary>
    public required long Size { get; init; }

    /// <summary>The sha256 of the whole archive.</summary>
    public required string Sha256 { get; init; }

    /// <summary>The size of every chunk but the last, in bytes.</summary>
    public required int ChunkSize { get; init; }

    /// <summary>The sha256 of each chunk, in order.</summary>
    public required List<string> Chunks { get; init; }

    /// <summary>The bundle id inside, for the reply and the log.</summary>
    public string? BundleId { get; init; }

    /// <inheritdoc />
    public override void Validate()
    {
        base.Validate();
        RequestChecks.Id("deploymentId", DeploymentId);
        RequestChecks.Id("bundleId", BundleId);
        RequestChecks.Range("size", Size, 1, long.MaxValue);
        RequestChecks.Range("chunkSize", ChunkSize, BundleChunker.MinChunkSize, BundleChunker.MaxChunkSize);
        RequestChecks.Digest("sha256", Sha256);
        var expected = (Size + ChunkSize - 1) / ChunkSize;
        if (Chunks.Count != expected)
        {
            throw new CommandException(CommandErrorCodes.InvalidValue, "chunks", $"chunks: expected {expected} digests for {Size} bytes in chunks of {ChunkSize}, got {Chunks.Count}.");
        }

        for (var i = 0; i < Chunks.Count; i++)
        {
            RequestChecks.Digest($"chunks[{i}]", Chunks[i]);
        }
    }
}
