using System.Collections.Concurrent;
using System.Text.Json.Serialization.Metadata;
using System.Text.Json;
using EdgeTransfer.Artifacts.Text;

namespace EdgeTransfer.Artifacts.Json;

/// <summary>
/// Reads JSON into a source-generated contract after checking its shape against that same contract, so
/// that every mistake is reported with its path and with what was expected: an unknown key (usually a
/// typo), a missing key, a null, a text where a number belongs, a value outside an enumeration.
/// </summary>
/// <remarks>
/// System.Text.Json reports such errors with the path but not with the expected type; walking the
/// <see cref="JsonTypeInfo"/> metadata gives both without a second, hand-written schema.
/// </remarks>
internal static class JsonShape
{
    private static readonly JsonDocumentOptions DocumentOptions = new()
    {
        // People write specs by hand: comments help them; trailing commas are still an error.
        CommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = false,
        MaxDepth = 32,
    };

    private static readonly ConcurrentDictionary<Type, string[]> EnumNames = new();

    /// <summary>Parses <paramref name="json"/> into a document, reporting a syntax error with its line.</summary>
    public static JsonDocument Parse(string json, ValidationError error)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, DocumentOptions);
        }
        catch (JsonException ex)
        {
            throw error("(file)", $"is not valid JSON: {Sentence(ex.Message)} (line {ex.LineNumber + 1}, byte {ex.BytePositionInLine + 1}).");
        }

        if (JsonTexts.FindUnreadable(document.RootElement) is { } unreadable)
        {
            document.Dispose();
            throw error(unreadable.Length == 0 ? "(file)" : unreadable, JsonTexts.LoneSurrogateReason + ".");
        }

        return document;
    }

    /// <summary>Checks the shape of <paramref name="element"/> and deserializes it.</summary>
    public static T Read<T>(JsonElement element, JsonTypeInfo<T> info, ValidationError error)
    {
        Check(element, info, string.Empty, error);
        try
        {
            return JsonSerializer.Deserialize(element, info)
                ?? throw error("(file)", "expected a JSON object, got null.");
        }
        catch (JsonException ex)
        {
            // Only what the shape check cannot see lands here (a number too large for its type …).
            throw error(ToSettingPath(ex.Path), $"cannot be read: {Sentence(ex.Message)}.");
        }
    }

    private static void Check(JsonElement element, JsonTypeInfo info, string path, ValidationError error)
    {
        var type = Nullable.GetUnderlyingType(info.Type) ?? info.Type;
        if (element.ValueKind == JsonValueKind.Null)
        {
            if (Nullable.GetUnderlyingType(info.Type) is not null)
            {
                return;
            }

            throw error(Display(path), $"expected {Describe(info)}, got null.");
        }

        switch (info.Kind)
        {
            case JsonTypeInfoKind.Object:
                CheckObject(element, info, path, error);
                break;
            case JsonTypeInfoKind.Enumerable:
                Expect(element, JsonValueKind.Array, info, path, error);
                var elementInfo = info.Options.GetTypeInfo(info.ElementType!);
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    Check(item, elementInfo, $"{path}[{index++}]", error);
                }

                break;
            case JsonTypeInfoKind.Dictionary:
                Expect(element, JsonValueKind.Object, info, path, error);
                var valueInfo = info.Options.GetTypeInfo(info.ElementType!);
                foreach (var property in element.EnumerateObject())
                {
                    Check(property.Value, valueInfo, Join(path, property.Name), error);
                }

                break;
            default:
                CheckValue(element, type, info, path, error);
                break;
        }
    }

    private static void CheckObject(JsonElement element, JsonTypeInfo info, string path, ValidationError error)
    {
        Expect(element, JsonValueKind.Object, info, path, error);
        // Ignored and computed properties have no setter: they are not keys a file may carry.
        var known = info.Properties.Where(p => p.Set is not null).ToDictionary(p => p.Name, StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in element.EnumerateObject())
        {
            var propertyPath = Join(path, property.Name);
            if (!seen.Add(property.Name))
            {
                throw error(propertyPath, "appears twice; keep one.");
            }

            if (!known.TryGetValue(property.Name, out var propertyInfo))
            {
                throw error(propertyPath, $"is not a known key{Suggest(property.Name, known.Keys)}; the keys {(path.Length == 0 ? "at the top level" : $"of {path}")} are {string.Join(", ", known.Keys)}.");
            }

            if (property.Value.ValueKind == JsonValueKind.Null && propertyInfo.IsSetNullable)
            {
                continue;
            }

            Check(property.Value, info.Options.GetTypeInfo(propertyInfo.PropertyType), propertyPath, error);
        }

        // A missing init-only collection or object is set to null by the generated reader, not left at its
        // default: unless its type allows null, a missing key is as much an error as a required one.
        foreach (var required in known.Values.Where(p => (p.IsRequired || MustBePresent(p)) && !seen.Contains(p.Name)))
        {
            throw error(Join(path, required.Name), $"is missing; expected {Describe(info.Options.GetTypeInfo(required.PropertyType))}.");
        }
    }

    private static bool MustBePresent(JsonPropertyInfo property) =>
        !property.PropertyType.IsValueType && !property.IsSetNullable;

    private static void CheckValue(JsonElement element, Type type, JsonTypeInfo info, string path, ValidationError error)
    {
        var ok = type switch
        {
            _ when type == typeof(string) => element.ValueKind == JsonValueKind.String,
            _ when type == typeof(bool) => element.ValueKind is JsonValueKind.True or JsonValueKind.False,
            _ when type == typeof(int) => element.ValueKind == JsonValueKind.Number && element.TryGetInt32(out _),
            _ when type == typeof(long) => element.ValueKind == JsonValueKind.Number && element.TryGetInt64(out _),
            _ when type == typeof(float) => element.ValueKind == JsonValueKind.Number && element.TryGetDouble(out var f) && float.IsFinite((float)f),
            _ when type == typeof(double) => element.ValueKind == JsonValueKind.Number && element.TryGetDouble(out var d) && double.IsFinite(d),
            _ when type == typeof(DateTimeOffset) => element.ValueKind == JsonValueKind.String && element.TryGetDateTimeOffset(out _),
            _ when type.IsEnum => element.ValueKind == JsonValueKind.String && NamesOf(type, info).Contains(element.GetString(), StringComparer.Ordinal),
            _ => true,
        };
        if (!ok)
        {
            throw error(Display(path), $"expected {Describe(info)}, got {Actual(element)}.");
        }
    }

    private static void Expect(JsonElement element, JsonValueKind kind, JsonTypeInfo info, string path, ValidationError error)
    {
        if (element.ValueKind != kind)
        {
            throw error(Display(path), $"expected {Describe(info)}, got {Actual(element)}.");
        }
    }

    private static string Describe(JsonTypeInfo info)
    {
        var type = Nullable.GetUnderlyingType(info.Type) ?? info.Type;
        return info.Kind switch
        {
            JsonTypeInfoKind.Object => "an object { … }",
            JsonTypeInfoKind.Enumerable => $"a list [ … ] of {Plural(info.Options.GetTypeInfo(info.ElementType!))}",
            JsonTypeInfoKind.Dictionary => "an object of \"key\": \"value\" pairs",
            _ when type == typeof(string) => "a text in quotes",
            _ when type == typeof(bool) => "true or false",
            _ when type == typeof(int) || type == typeof(long) => "a whole number",
            _ when type == typeof(float) || type == typeof(double) => "a number",
            _ when type == typeof(DateTimeOffset) => "a UTC time such as \"2026-11-26T03:15:00Z\"",
            _ when type.IsEnum => "one of " + string.Join(", ", NamesOf(type, info).Select(n => $"\"{n}\"")),
            _ => type.Name,
        };
    }

    private static string Plural(JsonTypeInfo info) => Describe(info) switch
    {
        "a whole number" => "whole numbers",
        "a number" => "numbers",
        "a text in quotes" => "texts in quotes",
        "an object { … }" => "objects",
        var other => other,
    };

    private static string[] NamesOf(Type enumType, JsonTypeInfo info) =>
        EnumNames.GetOrAdd(enumType, _ =>
            [.. Enum.GetValuesAsUnderlyingType(enumType).Cast<object>()
                .Select(v => JsonSerializer.Serialize(Enum.ToObject(enumType, v), info).Trim('"'))]);

    /// <summary>A short description of a JSON value for "expected …, got …" messages.</summary>
    public static string Actual(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "a list",
        JsonValueKind.String => Truncate(element.GetRawText()),
        _ => Truncate(element.GetRawText()),
    };

    private static string Truncate(string text) => text.Length <= 40 ? text : text[..37] + "…";

    private static string Suggest(string name, IEnumerable<string> known) => NameSuggestions.DidYouMean(name, known);

    // System.Text.Json appends "Path: … | LineNumber: … | BytePositionInLine: …"; the caller says that better.
    private static string Sentence(string message) =>
        message.Split([" Path:", " LineNumber:"], 2, StringSplitOptions.None)[0].Trim().TrimEnd('.');

    private static string Join(string path, string name) => path.Length == 0 ? name : $"{path}.{name}";

    private static string Display(string path) => path.Length == 0 ? "(file)" : path;

    private static string ToSettingPath(string? jsonPath) =>
        string.IsNullOrEmpty(jsonPath) || jsonPath == "$" ? "(file)" : jsonPath.TrimStart('$').TrimStart('.');
}
