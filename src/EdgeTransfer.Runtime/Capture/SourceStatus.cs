using System.Globalization;

namespace EdgeTransfer.Runtime.Capture;

/// <summary>
/// The status of a frame source as the status report shows it: online, reconnecting (which attempt, when
/// the next retry is due, why) or failed (why).
/// </summary>
/// <param name="State">The state.</param>
/// <param name="Since">When the source entered this status.</param>
/// <param name="Attempt">The reconnection attempt (1, 2, …) while <see cref="SourceState.Reconnecting"/>; otherwise 0.</param>
/// <param name="NextRetryAt">When the next reopen is tried, while <see cref="SourceState.Reconnecting"/>.</param>
/// <param name="Reason">Why the source is reconnecting or failed, as a sentence.</param>
public sealed record SourceStatus(SourceState State, DateTimeOffset Since, int Attempt = 0, DateTimeOffset? NextRetryAt = null, string? Reason = null)
{
    /// <summary>Not opened yet, or closed.</summary>
    /// <param name="since">When.</param>
    public static SourceStatus Offline(DateTimeOffset since) => new(SourceState.Offline, since);

    /// <summary>Delivering frames.</summary>
    /// <param name="since">When.</param>
    public static SourceStatus Online(DateTimeOffset since) => new(SourceState.Online, since);

    /// <summary>Lost and waiting for reconnection attempt <paramref name="attempt"/>.</summary>
    /// <param name="attempt">The attempt number, from 1.</param>
    /// <param name="nextRetryAt">When the attempt is made.</param>
    /// <param name="reason">What went wrong.</param>
    /// <param name="since">When.</param>
    public static SourceStatus Reconnecting(int attempt, DateTimeOffset nextRetryAt, string reason, DateTimeOffset since) =>
        new(SourceState.Reconnecting, since, attempt, nextRetryAt, reason);

    /// <summary>Given up.</summary>
    /// <param name="reason">Why.</param>
    /// <param name="since">When.</param>
    public static SourceStatus Failed(string reason, DateTimeOffset since) => new(SourceState.Failed, since, Reason: reason);

    /// <summary>A one-line description for logs and the debugging console.</summary>
    /// <returns>For example <c>reconnecting (attempt 2, next try at 10:04:05Z): …</c>.</returns>
    public override string ToString() => State switch
    {
        SourceState.Reconnecting => string.Create(CultureInfo.InvariantCulture, $"reconnecting (attempt {Attempt}, next try at {NextRetryAt:O}): {Reason}"),
        SourceState.Failed => $"failed: {Reason}",
        SourceState.Online => "online",
        _ => "offline",
    };
}
