using System.Text.Json;

namespace EdgeTransfer.Artifacts.Json;

/// <summary>
/// Finds texts in a parsed JSON document that cannot be read as strings: a <c>\uD800</c>–<c>\uDFFF</c> escape
/// without its other half is valid JSON syntax (RFC 8259 §8.2 leaves it open) but no UTF-16 text, and
/// System.Text.Json only says so, with an <see cref="InvalidOperationException"/>, when the value is read.
/// </summary>
public static class JsonTexts
{
    /// <summary>The reason to give for such a text, as the end of a sentence that names its place.</summary>
    public const string LoneSurrogateReason =
        "holds a \\u escape of half a UTF-16 surrogate pair (\\ud800–\\udfff without its other half), which is no character; write the character itself, or both halves";

    /// <summary>
    /// The path (<c>a.b[2]</c>; empty for the top level) of the first key or text value in <paramref name="root"/>
    /// that cannot be read as a string, or null when every one can.
    /// </summary>
    /// <param name="root">A parsed document's root (its depth is bounded by the parser).</param>
    public static string? FindUnreadable(JsonElement root) => Find(root, string.Empty);

    private static string? Find(JsonElement element, string path)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                return Readable(() => element.GetString()) ? null : path;
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    string name;
                    try
                    {
                        name = property.Name;
                    }
                    catch (InvalidOperationException)
                    {
                        return path.Length == 0 ? "(a key)" : $"{path}.(a key)";
                    }

                    if (Find(property.Value, path.Length == 0 ? name : $"{path}.{name}") is { } found)
                    {
                        return found;
                    }
                }

                return null;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    if (Find(item, $"{path}[{index++}]") is { } found)
                    {
                        return found;
                    }
                }

                return null;
            default:
                return null;
        }
    }

    private static bool Readable(Func<string?> read)
    {
        try
        {
            _ = read();
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }
}
