namespace EdgeTransfer.Mqtt.Commands;

/// <summary>
/// <c>cmd/rollback</c>: put the previous head (or head <see cref="HeadVersion"/>) back in service, or with
/// <see cref="Anomaly"/> the previous anomaly model.
/// </summary>
public sealed record RollbackRequest : CommandRequest
{
    /// <summary>The head version to restore, 1 or more; null for the one before the current.</summary>
    public long? HeadVersion { get; init; }

    /// <summary>True: roll back the anomaly model instead of the head (then <see cref="HeadVersion"/> must be absent).</summary>
    public bool? Anomaly { get; init; }

    /// <inheritdoc />
    public override void Validate()
    {
        base.Validate();
        RequestChecks.Range("headVersion", HeadVersion, 1, long.MaxValue);
        if (Anomaly == true && HeadVersion is not null)
        {
            throw new CommandException(CommandErrorCodes.InvalidValue, "headVersion", "headVersion: not with \"anomaly\": true; an anomaly rollback restores the previous anomaly model.");
        }
    }
}
