using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace EdgeTransfer.Mqtt.Protocol;

/// <summary>Serializes and reads protocol messages with <see cref="ProtocolJsonContext"/>.</summary>
public static class ProtocolJson
{
    /// <summary>The MQTT 5 content type (§3.3.2.3.9) of every payload.</summary>
    public const string ContentType = "application/json";

    /// <summary>The UTF-8 JSON of <paramref name="message"/>.</summary>
    /// <typeparam name="T">A message or request type registered in <see cref="ProtocolJsonContext"/>.</typeparam>
    /// <param name="message">The message.</param>
    public static byte[] Serialize<T>(T message) => JsonSerializer.SerializeToUtf8Bytes(message, InfoOf<T>());

    /// <summary>Reads a message written by <see cref="Serialize{T}"/> (unknown keys are an error).</summary>
    /// <typeparam name="T">A message type registered in <see cref="ProtocolJsonContext"/>.</typeparam>
    /// <param name="utf8">The payload.</param>
    /// <exception cref="JsonException">The payload does not match.</exception>
    public static T Deserialize<T>(ReadOnlySpan<byte> utf8) =>
        JsonSerializer.Deserialize(utf8, InfoOf<T>()) ?? throw new JsonException($"Expected a {typeof(T).Name}, got null.");

    /// <summary>The contract of <typeparamref name="T"/>.</summary>
    /// <typeparam name="T">A type registered in <see cref="ProtocolJsonContext"/>.</typeparam>
    public static JsonTypeInfo<T> InfoOf<T>() =>
        ProtocolJsonContext.Default.GetTypeInfo(typeof(T)) as JsonTypeInfo<T>
        ?? throw new InvalidOperationException($"{typeof(T).Name} is not part of the protocol's JSON contract.");
}
