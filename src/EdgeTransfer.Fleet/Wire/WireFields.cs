using System.Globalization;
using System.Text;
using System.Text.Json;

namespace EdgeTransfer.Fleet.Wire;

/// <summary>
/// Tolerant, bounded reading of one JSON object from the wire. The first wrong type or impossible value is
/// remembered in <see cref="Error"/> and every later read returns null, so a caller reads all its fields
/// and checks once. Unknown keys are ignored: a newer device may add fields (the device side is strict; a
/// viewer must not stop working when the protocol grows). Texts come back safe to show (<see cref="Display"/>).
/// </summary>
/// <param name="obj">The JSON object.</param>
/// <param name="where">Where it came from (<c>status</c>, <c>reply/preview</c>), the start of every error.</param>
public sealed class WireFields(JsonElement obj, string where)
{
    /// <summary>The longest text field a viewer accepts (ids are 64, reasons and messages a sentence or two).</summary>
    public const int MaxText = 512;

    /// <summary>Why the object was refused, or null.</summary>
    public string? Error { get; private set; }

    /// <summary>The object itself.</summary>
    public JsonElement Element => obj;

    /// <summary>Parses <paramref name="payload"/> as a JSON object under size and depth limits.</summary>
    /// <param name="payload">The payload.</param>
    /// <param name="maxBytes">The largest payload read.</param>
    /// <param name="error">Why it is not a JSON object, or null.</param>
    /// <returns>The document (the caller disposes it), or null.</returns>
    public static JsonDocument? TryParse(ReadOnlyMemory<byte> payload, int maxBytes, out string? error)
    {
        error = null;
        if (payload.Length == 0)
        {
            error = "empty payload";
            return null;
        }

        if (payload.Length > maxBytes)
        {
            error = string.Create(CultureInfo.InvariantCulture, $"{payload.Length:N0} bytes, more than the {maxBytes:N0} this viewer reads");
            return null;
        }

        try
        {
            var document = JsonDocument.Parse(payload, new JsonDocumentOptions { MaxDepth = 16 });
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                error = $"expected a JSON object, got {Describe(document.RootElement.ValueKind)}";
                document.Dispose();
                return null;
            }

            return document;
        }
        catch (JsonException ex)
        {
            error = "not JSON: " + Shorten(ex.Message, 120);
            return null;
        }
    }

    /// <summary>Checks the envelope's <c>schema</c>.</summary>
    public bool SchemaIs(string expected)
    {
        var schema = Text("schema");
        if (Error is null && schema != expected)
        {
            Fail(schema is null ? $"{where}: no schema; expected \"{expected}\"" : $"{where}: schema {Quote(schema)} is not \"{expected}\"");
        }

        return Error is null;
    }

    /// <summary>Marks the object bad.</summary>
    public void Fail(string reason) => Error ??= reason;

    /// <summary>A text field, or null if absent.</summary>
    public string? Text(string name, int maxLength = MaxText)
    {
        if (!TryGet(name, out var value))
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            return WrongType(name, value, "text");
        }

        var text = value.GetString()!;
        if (text.Length > maxLength)
        {
            Fail(string.Create(CultureInfo.InvariantCulture, $"{where}: {name} is {text.Length:N0} characters, more than {maxLength}"));
            return null;
        }

        return Display(text);
    }

    /// <summary>A finite number, or null if absent.</summary>
    public double? Number(string name)
    {
        if (!TryGet(name, out var value))
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number)
        {
            return WrongType<double>(name, value, "a number");
        }

        if (!value.TryGetDouble(out var number) || !double.IsFinite(number))
        {
            Fail($"{where}: {name} is not a finite number");
            return null;
        }

        return number;
    }

    /// <summary>A whole number, or null if absent.</summary>
    public long? Whole(string name)
    {
        if (!TryGet(name, out var value))
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out var number))
        {
            return WrongType<long>(name, value, "a whole number");
        }

        return number;
    }

    /// <summary>A boolean, or null if absent.</summary>
    public bool? Flag(string name)
    {
        if (!TryGet(name, out var value))
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => WrongType<bool>(name, value, "true or false"),
        };
    }

    /// <summary>A nested object, or null if absent.</summary>
    public WireFields? Nested(string name)
    {
        if (!TryGet(name, out var value))
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            Fail($"{where}: {name} is {Describe(value.ValueKind)}, expected an object");
            return null;
        }

        return new WireFields(value, $"{where}.{name}");
    }

    /// <summary>An array, or null if absent.</summary>
    public JsonElement? Array(string name, int maxLength)
    {
        if (!TryGet(name, out var value))
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            return WrongType<JsonElement>(name, value, "an array");
        }

        if (value.GetArrayLength() > maxLength)
        {
            Fail(string.Create(CultureInfo.InvariantCulture, $"{where}: {name} has {value.GetArrayLength()} entries, more than {maxLength}"));
            return null;
        }

        return value;
    }

    /// <summary>An object of counts by name (<c>{"good": 12, "scratch": 3}</c>), or null if absent.</summary>
    public Dictionary<string, long>? Counts(string name, int maxEntries = 256)
    {
        var nested = Nested(name);
        if (nested is null)
        {
            return null;
        }

        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var property in nested.Element.EnumerateObject())
        {
            if (counts.Count >= maxEntries)
            {
                Fail(string.Create(CultureInfo.InvariantCulture, $"{where}: {name} has more than {maxEntries} entries"));
                return null;
            }

            if (property.Name.Length > 64 || property.Value.ValueKind != JsonValueKind.Number || !property.Value.TryGetInt64(out var count) || count < 0)
            {
                Fail($"{where}: {name}.{Quote(property.Name)} is not a count (a whole number of 0 or more)");
                return null;
            }

            counts[Display(property.Name)] = count;
        }

        return counts;
    }

    /// <summary>An array of short texts (class names), or null if absent.</summary>
    public IReadOnlyList<string>? Texts(string name, int maxEntries = 64)
    {
        if (Array(name, maxEntries) is not { } array)
        {
            return null;
        }

        var texts = new List<string>();
        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String || item.GetString()!.Length > 64)
            {
                Fail($"{where}: {name} holds {Describe(item.ValueKind)} where a name of up to 64 characters belongs");
                return null;
            }

            texts.Add(Display(item.GetString()!));
        }

        return texts;
    }

    /// <summary>Makes wire text safe to show: control characters (escape sequences!) become '?'.</summary>
    public static string Display(string text)
    {
        if (!text.Any(char.IsControl))
        {
            return text;
        }

        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            builder.Append(char.IsControl(c) ? '?' : c);
        }

        return builder.ToString();
    }

    /// <summary>Shortens <paramref name="text"/> to <paramref name="max"/> characters with an ellipsis.</summary>
    public static string Shorten(string text, int max) => text.Length <= max ? text : string.Concat(text.AsSpan(0, max - 1), "…");

    private static string Quote(string text) => "\"" + Shorten(Display(text), 40) + "\"";

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "text",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "true/false",
        _ => "null",
    };

    private bool TryGet(string name, out JsonElement value)
    {
        value = default;
        return Error is null && obj.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null;
    }

    private string? WrongType(string name, JsonElement value, string expected)
    {
        Fail($"{where}: {name} is {Describe(value.ValueKind)}, expected {expected}");
        return null;
    }

    private T? WrongType<T>(string name, JsonElement value, string expected)
        where T : struct
    {
        Fail($"{where}: {name} is {Describe(value.ValueKind)}, expected {expected}");
        return null;
    }
}
