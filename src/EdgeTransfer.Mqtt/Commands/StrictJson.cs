using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Text.Unicode;
using EdgeTransfer.Artifacts.Json;
using EdgeTransfer.Mqtt.Protocol;

namespace EdgeTransfer.Mqtt.Commands;

/// <summary>
/// Reads a request body strictly into a source-generated contract, reporting the first problem as a
/// <see cref="CommandException"/> with a code and the JSON path: not UTF-8, bad syntax, too deep, a
/// duplicate, unknown or missing key, a wrong type, a number that does not fit, a wrong schema.
/// </summary>
/// <remarks>
/// The checks walk the same <see cref="JsonTypeInfo"/> metadata the deserializer uses, so the contract
/// is written once. The body is never partly applied: the handler sees a fully checked record or nothing.
/// </remarks>
internal static class StrictJson
{
    private static readonly ConcurrentDictionary<Type, string[]> EnumNames = new();

    /// <summary>Parses <paramref name="utf8"/> into a document after the encoding, syntax and depth checks.</summary>
    public static JsonDocument Parse(ReadOnlyMemory<byte> utf8, int maxDepth)
    {
        if (utf8.IsEmpty)
        {
            throw new CommandException(CommandErrorCodes.EmptyPayload, null, "The payload is empty; expected a JSON object such as {\"schema\":\"edgetransfer/v1\"}.");
        }

        if (!Utf8.IsValid(utf8.Span))
        {
            var valid = ValidPrefixLength(utf8.Span);
            throw new CommandException(CommandErrorCodes.NotUtf8, null, $"The payload is not valid UTF-8 (bad byte at offset {valid}); send JSON text encoded as UTF-8.");
        }

        // A first pass with the reader finds syntax errors and nesting depth before any tree is built:
        // a 100,000-level "[[[[…" costs a scan, not a stack of 100,000 nodes.
        var reader = new Utf8JsonReader(utf8.Span, new JsonReaderOptions { MaxDepth = maxDepth + 2, CommentHandling = JsonCommentHandling.Disallow });
        try
        {
            while (reader.Read())
            {
                if (reader.CurrentDepth >= maxDepth)
                {
                    throw new CommandException(CommandErrorCodes.TooDeep, null, $"The payload is nested deeper than {maxDepth} levels; requests are flat objects.");
                }
            }
        }
        catch (JsonException ex)
        {
            throw new CommandException(CommandErrorCodes.InvalidJson, null, $"The payload is not valid JSON: {Sentence(ex.Message)} (line {ex.LineNumber + 1}, byte {ex.BytePositionInLine + 1}).", ex);
        }

        var document = JsonDocument.Parse(utf8, new JsonDocumentOptions { MaxDepth = maxDepth + 2 });
        if (JsonTexts.FindUnreadable(document.RootElement) is { } unreadable)
        {
            document.Dispose();
            throw new CommandException(CommandErrorCodes.InvalidValue, unreadable.Length == 0 || unreadable.EndsWith("(a key)", StringComparison.Ordinal) ? null : unreadable, $"{(unreadable.Length == 0 ? "The payload" : unreadable)}: {JsonTexts.LoneSurrogateReason}.");
        }

        return document;
    }

    /// <summary>Checks the envelope and the shape of <paramref name="root"/>, then deserializes it.</summary>
    public static T Read<T>(JsonElement root, JsonTypeInfo<T> info)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new CommandException(CommandErrorCodes.WrongType, null, $"The payload must be a JSON object {{ … }}, got {Describe(root)}.");
        }

        // The schema goes first: a v2 body would otherwise be reported as a pile of unknown fields.
        if (!root.TryGetProperty("schema", out var schema))
        {
            throw new CommandException(CommandErrorCodes.MissingField, "schema", $"schema: is missing; expected \"{DeviceMessage.SchemaVersion}\".");
        }

        if (schema.ValueKind != JsonValueKind.String || schema.GetString() != DeviceMessage.SchemaVersion)
        {
            throw new CommandException(CommandErrorCodes.UnsupportedSchema, "schema", $"schema: expected \"{DeviceMessage.SchemaVersion}\", got {Describe(schema)}; this device speaks protocol v1 only.");
        }

        Check(root, info, string.Empty);
        try
        {
            return JsonSerializer.Deserialize(root, info)
                ?? throw new CommandException(CommandErrorCodes.WrongType, null, "The payload must be a JSON object, got null.");
        }
        catch (JsonException ex)
        {
            // Only what the walk cannot see lands here.
            var path = string.IsNullOrEmpty(ex.Path) ? null : ex.Path.TrimStart('$').TrimStart('.');
            throw new CommandException(CommandErrorCodes.WrongType, path, $"{path ?? "payload"}: cannot be read: {Sentence(ex.Message)}.", ex);
        }
    }

    /// <summary>Describes a JSON value for a message: its kind, or the value itself when short.</summary>
    public static string Describe(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "a list",
        JsonValueKind.Null => "null",
        _ => Truncate(element.GetRawText()),
    };

    private static void Check(JsonElement element, JsonTypeInfo info, string path)
    {
        if (element.ValueKind == JsonValueKind.Null)
        {
            if (Nullable.GetUnderlyingType(info.Type) is not null || info.Type == typeof(JsonElement))
            {
                return;
            }

            throw Wrong(path, info, element);
        }

        switch (info.Kind)
        {
            case JsonTypeInfoKind.Object:
                CheckObject(element, info, path);
                break;
            case JsonTypeInfoKind.Enumerable:
                Expect(element, JsonValueKind.Array, info, path);
                var elementInfo = info.Options.GetTypeInfo(info.ElementType!);
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    Check(item, elementInfo, $"{path}[{index++}]");
                }

                break;
            case JsonTypeInfoKind.Dictionary:
                Expect(element, JsonValueKind.Object, info, path);
                var valueInfo = info.Options.GetTypeInfo(info.ElementType!);
                var keys = new HashSet<string>(StringComparer.Ordinal);
                foreach (var property in element.EnumerateObject())
                {
                    var propertyPath = Join(path, property.Name);
                    if (!keys.Add(property.Name))
                    {
                        throw new CommandException(CommandErrorCodes.DuplicateKey, propertyPath, $"{propertyPath}: appears twice; send each key once.");
                    }

                    Check(property.Value, valueInfo, propertyPath);
                }

                break;
            default:
                CheckValue(element, info, path);
                break;
        }
    }

    private static void CheckObject(JsonElement element, JsonTypeInfo info, string path)
    {
        Expect(element, JsonValueKind.Object, info, path);
        var known = info.Properties.Where(p => p.Set is not null).ToDictionary(p => p.Name, StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in element.EnumerateObject())
        {
            var propertyPath = Join(path, property.Name);
            if (!seen.Add(property.Name))
            {
                // RFC 8259 §4 leaves duplicate names to the reader; "last one wins" would let a relay
                // and the device read two different requests, so we refuse them.
                throw new CommandException(CommandErrorCodes.DuplicateKey, propertyPath, $"{propertyPath}: appears twice; send each key once.");
            }

            if (!known.TryGetValue(property.Name, out var propertyInfo))
            {
                throw new CommandException(CommandErrorCodes.UnknownField, propertyPath, $"{ProtocolIds.Quote(propertyPath)}: is not a field of this command; the fields are {string.Join(", ", known.Keys)}.");
            }

            if (property.Value.ValueKind == JsonValueKind.Null && propertyInfo.IsSetNullable && !propertyInfo.IsRequired)
            {
                continue;
            }

            Check(property.Value, info.Options.GetTypeInfo(propertyInfo.PropertyType), propertyPath);
        }

        foreach (var required in known.Values.Where(p => p.IsRequired && !seen.Contains(p.Name)))
        {
            var requiredPath = Join(path, required.Name);
            throw new CommandException(CommandErrorCodes.MissingField, requiredPath, $"{requiredPath}: is missing; expected {Expected(info.Options.GetTypeInfo(required.PropertyType))}.");
        }
    }

    private static void CheckValue(JsonElement element, JsonTypeInfo info, string path)
    {
        var type = Nullable.GetUnderlyingType(info.Type) ?? info.Type;
        if (type == typeof(JsonElement))
        {
            return;
        }

        if (type == typeof(int) || type == typeof(long))
        {
            if (element.ValueKind != JsonValueKind.Number)
            {
                throw Wrong(path, info, element);
            }

            var fits = type == typeof(int) ? element.TryGetInt32(out _) : element.TryGetInt64(out _);
            if (!fits)
            {
                // A whole number too large for its type is a range error; 1.5 is a type error.
                var whole = decimal.TryParse(element.GetRawText(), NumberStyles.Float, CultureInfo.InvariantCulture, out var m) ? decimal.Truncate(m) == m
                    : !element.GetRawText().Contains('.', StringComparison.Ordinal);
                var (min, max) = type == typeof(int) ? ((long)int.MinValue, (long)int.MaxValue) : (long.MinValue, long.MaxValue);
                // Only the side that was crossed: "from -2147483648" would suggest negative values are fine.
                var bound = element.GetRawText().StartsWith('-') ? $"at least {min}" : $"at most {max}";
                throw whole
                    ? new CommandException(CommandErrorCodes.OutOfRange, Display(path), $"{Display(path)}: expected a whole number {bound}, got {Truncate(element.GetRawText())}.")
                    : Wrong(path, info, element);
            }

            return;
        }

        if (type == typeof(double) || type == typeof(float))
        {
            if (element.ValueKind != JsonValueKind.Number)
            {
                throw Wrong(path, info, element);
            }

            if (!element.TryGetDouble(out var d) || !double.IsFinite(d) || (type == typeof(float) && !float.IsFinite((float)d)))
            {
                throw new CommandException(CommandErrorCodes.OutOfRange, Display(path), $"{Display(path)}: expected a finite number, got {Truncate(element.GetRawText())}.");
            }

            return;
        }

        var ok = type switch
        {
            _ when type == typeof(string) => element.ValueKind == JsonValueKind.String,
            _ when type == typeof(bool) => element.ValueKind is JsonValueKind.True or JsonValueKind.False,
            _ when type == typeof(DateTimeOffset) => element.ValueKind == JsonValueKind.String && element.TryGetDateTimeOffset(out _),
            _ when type.IsEnum => element.ValueKind == JsonValueKind.String && NamesOf(type, info).Contains(element.GetString(), StringComparer.Ordinal),
            _ => true,
        };
        if (!ok)
        {
            var code = type.IsEnum && element.ValueKind == JsonValueKind.String ? CommandErrorCodes.InvalidValue : CommandErrorCodes.WrongType;
            throw new CommandException(code, Display(path), $"{Display(path)}: expected {Expected(info)}, got {Describe(element)}.");
        }
    }

    private static void Expect(JsonElement element, JsonValueKind kind, JsonTypeInfo info, string path)
    {
        if (element.ValueKind != kind)
        {
            throw Wrong(path, info, element);
        }
    }

    private static CommandException Wrong(string path, JsonTypeInfo info, JsonElement element) =>
        new(CommandErrorCodes.WrongType, Display(path), $"{Display(path)}: expected {Expected(info)}, got {Describe(element)}.");

    private static string Expected(JsonTypeInfo info)
    {
        var type = Nullable.GetUnderlyingType(info.Type) ?? info.Type;
        return info.Kind switch
        {
            JsonTypeInfoKind.Object => "an object { … }",
            JsonTypeInfoKind.Enumerable => "a list [ … ]",
            JsonTypeInfoKind.Dictionary => "an object of \"key\": value pairs",
            _ when type == typeof(string) => "a text in quotes",
            _ when type == typeof(bool) => "true or false",
            _ when type == typeof(int) || type == typeof(long) => "a whole number",
            _ when type == typeof(float) || type == typeof(double) => "a number",
            _ when type == typeof(DateTimeOffset) => "a UTC time such as \"2026-11-26T03:15:00Z\"",
            _ when type.IsEnum => "one of " + string.Join(", ", NamesOf(type, info).Select(n => $"\"{n}\"")),
            _ => type.Name,
        };
    }

    private static string[] NamesOf(Type enumType, JsonTypeInfo info) =>
        EnumNames.GetOrAdd(enumType, _ =>
            [.. Enum.GetValuesAsUnderlyingType(enumType).Cast<object>()
                .Select(v => JsonSerializer.Serialize(Enum.ToObject(enumType, v), info).Trim('"'))]);

    private static int ValidPrefixLength(ReadOnlySpan<byte> data)
    {
        // Decoding without replacement stops at the first invalid sequence and says how far it got.
        var chars = new char[data.Length];
        _ = Utf8.ToUtf16(data, chars, out var read, out _, replaceInvalidSequences: false);
        return read;
    }

    private static string Truncate(string text) => text.Length <= 40 ? text : text[..37] + "…";

    private static string Sentence(string message) =>
        message.Split([" Path:", " LineNumber:"], 2, StringSplitOptions.None)[0].Trim().TrimEnd('.');

    private static string Join(string path, string name) => path.Length == 0 ? name : $"{path}.{name}";

    private static string Display(string path) => path.Length == 0 ? "payload" : path;
}
