using EdgeTransfer.Mqtt.Commands;

namespace EdgeTransfer.Fleet;

/// <summary>One device's answer to a fanned-out command.</summary>
public sealed record CommandOutcome
{
    /// <summary>The device id.</summary>
    public required string Device { get; init; }

    /// <summary>The command name.</summary>
    public required string Command { get; init; }

    /// <summary>How it ended.</summary>
    public required CommandOutcomeKind Kind { get; init; }

    /// <summary>The reply, when one came.</summary>
    public CommandReplyMessage? Reply { get; init; }

    /// <summary>A sentence for people: the device's error, or why there is no reply.</summary>
    public string? Message { get; init; }

    /// <summary>Request to reply (or to giving up), in milliseconds.</summary>
    public double ElapsedMs { get; init; }

    /// <summary>Whether this counts as success (only <see cref="CommandOutcomeKind.Ok"/> does).</summary>
    public bool Succeeded => Kind == CommandOutcomeKind.Ok;
}
