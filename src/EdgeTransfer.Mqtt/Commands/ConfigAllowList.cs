using System.Globalization;
using System.Text.Json;
using EdgeTransfer.Artifacts.Json;
using EdgeTransfer.Mqtt.Protocol;

namespace EdgeTransfer.Mqtt.Commands;

/// <summary>The keys a <c>config</c> request may set. Anything else is refused with <see cref="CommandErrorCodes.ConfigKeyNotAllowed"/>.</summary>
public sealed class ConfigAllowList
{
    private readonly Dictionary<string, ConfigKey> _keys;

    /// <summary>Creates the list.</summary>
    /// <param name="keys">The allowed keys; names must be unique.</param>
    public ConfigAllowList(IEnumerable<ConfigKey> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        _keys = keys.ToDictionary(k => k.Name, StringComparer.Ordinal);
    }

    /// <summary>The allowed key names.</summary>
    public IReadOnlyCollection<string> Names => _keys.Keys;

    /// <summary>Checks every key and value of <paramref name="request"/>; throws <see cref="CommandException"/> at the first bad one.</summary>
    /// <param name="request">The parsed request.</param>
    public void Validate(ConfigRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Set.Count == 0)
        {
            throw new CommandException(CommandErrorCodes.InvalidValue, "set", "set: expected at least one key to change, got an empty object.");
        }

        foreach (var (name, value) in request.Set)
        {
            var field = "set." + name;
            if (!_keys.TryGetValue(name, out var key))
            {
                throw new CommandException(CommandErrorCodes.ConfigKeyNotAllowed, field, $"{ProtocolIds.Quote(field)}: this key cannot be changed over MQTT; the keys that can are {string.Join(", ", _keys.Keys.Order(StringComparer.Ordinal))}.");
            }

            Check(key, field, value);
        }
    }

    private static void Check(ConfigKey key, string field, JsonElement value)
    {
        switch (key.Kind)
        {
            case ConfigValueKind.Boolean when value.ValueKind is JsonValueKind.True or JsonValueKind.False:
                return;
            case ConfigValueKind.WholeNumber when value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var l):
                InRange(key, field, l);
                return;
            case ConfigValueKind.Number when value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var d):
                InRange(key, field, d);
                return;
            case ConfigValueKind.Choice when value.ValueKind == JsonValueKind.String:
                var text = value.GetString();
                if (key.Choices is { } choices && !choices.Contains(text, StringComparer.Ordinal))
                {
                    throw new CommandException(CommandErrorCodes.InvalidValue, field, $"{field}: expected one of {string.Join(", ", choices)}, got {ProtocolIds.Quote(text)}.");
                }

                return;
            default:
                var expected = key.Kind switch
                {
                    ConfigValueKind.Boolean => "true or false",
                    ConfigValueKind.WholeNumber => "a whole number",
                    ConfigValueKind.Number => "a number",
                    _ => "a text in quotes",
                };
                var code = value.ValueKind == JsonValueKind.Number ? CommandErrorCodes.OutOfRange : CommandErrorCodes.WrongType;
                throw new CommandException(code, field, $"{field}: expected {expected}, got {JsonShape.Actual(value)}.");
        }
    }

    private static void InRange(ConfigKey key, string field, double value)
    {
        if (!double.IsFinite(value) || value < key.Min || value > key.Max)
        {
            throw new CommandException(CommandErrorCodes.OutOfRange, field, string.Create(CultureInfo.InvariantCulture, $"{field}: expected a value from {key.Min:G} to {key.Max:G}, got {value:G}."));
        }
    }
}
