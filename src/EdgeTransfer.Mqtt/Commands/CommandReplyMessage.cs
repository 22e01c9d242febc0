using System.Text.Json;
using EdgeTransfer.Mqtt.Protocol;

namespace EdgeTransfer.Mqtt.Commands;

/// <summary>
/// <c>reply/{name}</c> (or the request's response topic): <c>ok: true</c> with a result, or
/// <c>ok: false</c> with an <see cref="CommandError"/>. It carries the request's correlation data
/// back unchanged (MQTT 5 §4.10.2).
/// </summary>
public sealed record CommandReplyMessage : DeviceMessage
{
    /// <summary>The command answered.</summary>
    public string Command { get; init; } = "";

    /// <summary>Whether the command was carried out.</summary>
    public bool Ok { get; init; }

    /// <summary>The command's result (command-specific JSON), or null.</summary>
    public JsonElement? Result { get; init; }

    /// <summary>Why the command was refused; null when <see cref="Ok"/>.</summary>
    public CommandError? Error { get; init; }
}
