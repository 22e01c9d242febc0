using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using EdgeTransfer.Artifacts.Text;

namespace EdgeTransfer.Artifacts.Json;

/// <summary>
/// Walks a document along the source-generated contract that will read it, and reports the first place where the two
/// differ with the path and with what the contract expected there (System.Text.Json reports the path only).
/// </summary>
internal sealed class JsonShapeWalker(JsonShapeDialect dialect, JsonShapeError error)
{
    // Keyed by the options too: two contracts may spell the same enumeration differently.
    private static readonly ConcurrentDictionary<(Type, JsonSerializerOptions), string[]> EnumNames = new();

    public void Check(JsonElement element, JsonTypeInfo info, string path)
    {
        if (element.ValueKind == JsonValueKind.Null)
        {
            if (Nullable.GetUnderlyingType(info.Type) is not null || info.Type == typeof(JsonElement))
            {
                return;
            }

            throw Fail(JsonShapeProblemKind.WrongType, path, $"expected {Describe(info)}, got null{dialect.NullAdvice}.");
        }

        switch (info.Kind)
        {
            case JsonTypeInfoKind.Object:
                CheckObject(element, info, path);
                break;
            case JsonTypeInfoKind.Enumerable:
                Expect(element, JsonValueKind.Array, info, path);
                var itemInfo = info.Options.GetTypeInfo(info.ElementType!);
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    Check(item, itemInfo, $"{path}[{index++}]");
                }

                break;
            case JsonTypeInfoKind.Dictionary:
                Expect(element, JsonValueKind.Object, info, path);
                var valueInfo = info.Options.GetTypeInfo(info.ElementType!);
                var names = new HashSet<string>(StringComparer.Ordinal);
                foreach (var property in element.EnumerateObject())
                {
                    var propertyPath = Join(path, property.Name);
                    if (!names.Add(property.Name))
                    {
                        throw Duplicate(propertyPath);
                    }

                    Check(property.Value, valueInfo, propertyPath);
                }

                break;
            default:
                CheckValue(element, info, path);
                break;
        }
    }

    public string Describe(JsonTypeInfo info)
    {
        var type = Nullable.GetUnderlyingType(info.Type) ?? info.Type;
        return info.Kind switch
        {
            JsonTypeInfoKind.Object => $"{dialect.ObjectNoun} {{ … }}",
            JsonTypeInfoKind.Enumerable => $"a list [ … ] of {Plural(info.Options.GetTypeInfo(info.ElementType!))}",
            JsonTypeInfoKind.Dictionary => $"{dialect.ObjectNoun} of \"name\": {Describe(info.Options.GetTypeInfo(info.ElementType!))} pairs",
            _ when type == typeof(string) => "a text in quotes",
            _ when type == typeof(bool) => "true or false",
            _ when type == typeof(int) || type == typeof(long) => "a whole number",
            _ when type == typeof(float) || type == typeof(double) => "a number",
            _ when type == typeof(DateTimeOffset) => "a UTC time such as \"2026-11-26T03:15:00Z\"",
            _ when type.IsEnum => "one of " + string.Join(", ", NamesOf(type, info).Select(n => $"\"{n}\"")),
            _ => type.Name,
        };
    }

    public string Actual(JsonElement element) => JsonShape.Actual(element, dialect.ObjectNoun);

    private void CheckObject(JsonElement element, JsonTypeInfo info, string path)
    {
        Expect(element, JsonValueKind.Object, info, path);
        // Ignored and computed properties have no setter: they are not keys a document may carry.
        var known = info.Properties.Where(p => p.Set is not null).ToDictionary(p => p.Name, StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in element.EnumerateObject())
        {
            var propertyPath = Join(path, property.Name);
            if (!seen.Add(property.Name))
            {
                throw Duplicate(propertyPath);
            }

            if (!known.TryGetValue(property.Name, out var propertyInfo))
            {
                var reason = dialect.UnknownKeyReason?.Invoke(property.Name, known.Keys, path)
                    ?? $"is not a known key{NameSuggestions.DidYouMean(property.Name, known.Keys)}; the keys {(path.Length == 0 ? "at the top level" : $"of {path}")} are {string.Join(", ", known.Keys)}.";
                throw Fail(JsonShapeProblemKind.UnknownKey, propertyPath, reason);
            }

            if (property.Value.ValueKind == JsonValueKind.Null && propertyInfo.IsSetNullable && !propertyInfo.IsRequired)
            {
                continue;
            }

            Check(property.Value, info.Options.GetTypeInfo(propertyInfo.PropertyType), propertyPath);
        }

        foreach (var required in known.Values.Where(p => !seen.Contains(p.Name) && MustBePresent(p)))
        {
            throw Fail(JsonShapeProblemKind.MissingKey, Join(path, required.Name), $"is missing; expected {Describe(info.Options.GetTypeInfo(required.PropertyType))}.");
        }
    }

    private bool MustBePresent(JsonPropertyInfo property) =>
        property.IsRequired || (dialect.NonNullableKeysAreRequired && !property.PropertyType.IsValueType && !property.IsSetNullable);

    private void CheckValue(JsonElement element, JsonTypeInfo info, string path)
    {
        var type = Nullable.GetUnderlyingType(info.Type) ?? info.Type;
        if (type == typeof(int) || type == typeof(long))
        {
            CheckWhole(element, info, type, path);
            return;
        }

        if (type == typeof(double) || type == typeof(float))
        {
            if (element.ValueKind != JsonValueKind.Number)
            {
                throw Wrong(element, info, path);
            }

            var finite = element.TryGetDouble(out var d) && double.IsFinite(d) && (type == typeof(double) || float.IsFinite((float)d));
            if (!finite)
            {
                throw dialect.ReportRange
                    ? Fail(JsonShapeProblemKind.OutOfRange, path, $"expected a finite number, got {Actual(element)}.")
                    : Wrong(element, info, path);
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
            var isText = element.ValueKind == JsonValueKind.String;
            var hint = type.IsEnum && isText && dialect.SuggestValues ? NameSuggestions.DidYouMean(element.GetString()!, NamesOf(type, info)) : string.Empty;
            var kind = type.IsEnum && isText ? JsonShapeProblemKind.NotAllowed : JsonShapeProblemKind.WrongType;
            throw Fail(kind, path, $"expected {Describe(info)}, got {Actual(element)}{hint}.");
        }
    }

    private void CheckWhole(JsonElement element, JsonTypeInfo info, Type type, string path)
    {
        if (element.ValueKind != JsonValueKind.Number)
        {
            throw Wrong(element, info, path);
        }

        if (type == typeof(int) ? element.TryGetInt32(out _) : element.TryGetInt64(out _))
        {
            return;
        }

        // A whole number too large for its type is a range error; 1.5 is a type error.
        var raw = element.GetRawText();
        var whole = decimal.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var m) ? decimal.Truncate(m) == m
            : !raw.Contains('.', StringComparison.Ordinal);
        if (!whole || !dialect.ReportRange)
        {
            throw Wrong(element, info, path);
        }

        var (min, max) = type == typeof(int) ? ((long)int.MinValue, (long)int.MaxValue) : (long.MinValue, long.MaxValue);
        // Only the side that was crossed: "from -2147483648" would suggest negative values are fine.
        var bound = raw.StartsWith('-') ? $"at least {min}" : $"at most {max}";
        throw Fail(JsonShapeProblemKind.OutOfRange, path, $"expected a whole number {bound}, got {Actual(element)}.");
    }

    private void Expect(JsonElement element, JsonValueKind kind, JsonTypeInfo info, string path)
    {
        if (element.ValueKind != kind)
        {
            throw Wrong(element, info, path);
        }
    }

    private Exception Wrong(JsonElement element, JsonTypeInfo info, string path) =>
        Fail(JsonShapeProblemKind.WrongType, path, $"expected {Describe(info)}, got {Actual(element)}.");

    private Exception Duplicate(string path) =>
        Fail(JsonShapeProblemKind.DuplicateKey, path, $"appears twice; {dialect.DuplicateAdvice}.");

    private Exception Fail(JsonShapeProblemKind kind, string path, string reason) => error(new JsonShapeProblem(kind, path, reason));

    private string Plural(JsonTypeInfo info) => Describe(info) switch
    {
        "a whole number" => "whole numbers",
        "a number" => "numbers",
        "a text in quotes" => "texts in quotes",
        "true or false" => "true or false values",
        var other when other == $"{dialect.ObjectNoun} {{ … }}" => $"{dialect.ObjectNoun.Split(' ', 2)[^1]}s",
        var other => other,
    };

    private static string[] NamesOf(Type enumType, JsonTypeInfo info) =>
        EnumNames.GetOrAdd((enumType, info.Options), _ =>
            [.. Enum.GetValuesAsUnderlyingType(enumType).Cast<object>()
                .Select(v => JsonSerializer.Serialize(Enum.ToObject(enumType, v), info).Trim('"'))]);

    private static string Join(string path, string name) => path.Length == 0 ? name : $"{path}.{name}";
}
