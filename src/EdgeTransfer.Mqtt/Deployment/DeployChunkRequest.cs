using EdgeTransfer.Mqtt.Commands;

namespace EdgeTransfer.Mqtt.Deployment;

/// <summary><c>cmd/deploy-chunk</c>: one chunk of an announced deployment, base64 in JSON.</summary>
public sealed record DeployChunkRequest : CommandRequest
{
    /// <summary>The deployment id of the plan this chunk belongs to.</summary>
    public required string DeploymentId { get; init; }

    /// <summary>The chunk index, 0-based (read as a 64-bit number so that any whole number gets a range error naming the real range).</summary>
    public required long Index { get; init; }

    /// <summary>The chunk bytes, base64url (RFC 4648 §5).</summary>
    public required string Data { get; init; }

    /// <inheritdoc />
    public override void Validate()
    {
        base.Validate();
        RequestChecks.Id("deploymentId", DeploymentId);
        RequestChecks.Range("index", Index, 0, int.MaxValue);
    }
}
