using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace EdgeTransfer.Mqtt.Commands;

/// <summary>What a successful handler returns: the <c>result</c> of an <c>ok</c> reply.</summary>
public sealed class CommandResult
{
    private CommandResult(JsonElement? value) => Value = value;

    /// <summary>An <c>ok</c> reply without a result.</summary>
    public static CommandResult Empty { get; } = new(null);

    /// <summary>The result as JSON, or null.</summary>
    public JsonElement? Value { get; }

    /// <summary>An <c>ok</c> reply carrying <paramref name="value"/>.</summary>
    /// <typeparam name="T">The result type.</typeparam>
    /// <param name="value">The result.</param>
    /// <param name="info">Its source-generated JSON contract.</param>
    public static CommandResult Of<T>(T value, JsonTypeInfo<T> info) => new(JsonSerializer.SerializeToElement(value, info));
}
