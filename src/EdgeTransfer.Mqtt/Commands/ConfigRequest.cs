using System.Text.Json;

namespace EdgeTransfer.Mqtt.Commands;

/// <summary>
/// <c>cmd/config</c>: change settings at run time. Only keys on the handler's <see cref="ConfigAllowList"/>
/// are accepted, each with its type and range; a request with one bad key changes nothing.
/// </summary>
public sealed record ConfigRequest : CommandRequest
{
    /// <summary>The keys to set and their new values.</summary>
    public required Dictionary<string, JsonElement> Set { get; init; }
}
