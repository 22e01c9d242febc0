namespace EdgeTransfer.Mqtt.Commands;

/// <summary>
/// The body every command request carries: <c>schema</c> (required) and an optional <c>ts</c>. Derived
/// records add the command's fields and check their ranges in <see cref="Validate"/>.
/// </summary>
public abstract record CommandRequest
{
    /// <summary>The schema version; must be <c>edgetransfer/v1</c>.</summary>
    public required string Schema { get; init; }

    /// <summary>When the fleet tool sent it (UTC), if it says.</summary>
    public DateTimeOffset? Ts { get; init; }

    /// <summary>
    /// Checks values that the JSON types cannot express (ranges, names, combinations) and throws
    /// <see cref="CommandException"/> naming the field. Runs before the handler; must not change anything.
    /// </summary>
    public virtual void Validate()
    {
        if (Ts is { } ts && ts < RequestChecks.Epoch2000)
        {
            throw new CommandException(CommandErrorCodes.OutOfRange, "ts", $"ts: expected a UTC time after 2000-01-01, got {ts:O}; check the sender's clock.");
        }
    }
}
