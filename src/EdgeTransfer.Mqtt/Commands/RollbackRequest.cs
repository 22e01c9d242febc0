namespace EdgeTransfer.Mqtt.Commands;

/// <summary><c>cmd/rollback</c>: put the previous head (or head <see cref="HeadVersion"/>) back in service.</summary>
public sealed record RollbackRequest : CommandRequest
{
    /// <summary>The head version to restore, 1 or more; null for the one before the current.</summary>
    public long? HeadVersion { get; init; }

    /// <inheritdoc />
    public override void Validate()
    {
        base.Validate();
        RequestChecks.Range("headVersion", HeadVersion, 1, long.MaxValue);
    }
}
