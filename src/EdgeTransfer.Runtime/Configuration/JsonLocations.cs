using System.Text;
using System.Text.Json;

namespace EdgeTransfer.Runtime.Configuration;

/// <summary>
/// Where each key of a JSON file is (line and column), so that an error found after parsing, on the typed
/// options, can still point at the line a person has to edit.
/// </summary>
internal sealed class JsonLocations
{
    private readonly Dictionary<string, (int Line, int Column)> _byPath = new(StringComparer.Ordinal);

    private JsonLocations()
    {
    }

    /// <summary>Indexes <paramref name="utf8"/>, which must already be known to parse.</summary>
    public static JsonLocations Index(ReadOnlySpan<byte> utf8)
    {
        var locations = new JsonLocations();
        var lineStarts = new List<int> { 0 };
        for (var i = 0; i < utf8.Length; i++)
        {
            if (utf8[i] == (byte)'\n')
            {
                lineStarts.Add(i + 1);
            }
        }

        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, MaxDepth = 64 });
        // Each open container: its path, whether it is a list, and the index of the next list item.
        var stack = new Stack<(string Path, bool IsArray, int Index)>();
        string? property = null;
        while (reader.Read())
        {
            var offset = (int)reader.TokenStartIndex;
            switch (reader.TokenType)
            {
                case JsonTokenType.PropertyName:
                    property = reader.GetString();
                    var (parentPath, _, _) = stack.Peek();
                    locations._byPath[Join(parentPath, property!)] = Position(utf8, lineStarts, offset);
                    break;
                case JsonTokenType.StartObject:
                case JsonTokenType.StartArray:
                    var path = ValuePath(stack, property, locations, utf8, lineStarts, offset);
                    stack.Push((path, reader.TokenType == JsonTokenType.StartArray, 0));
                    property = null;
                    break;
                case JsonTokenType.EndObject:
                case JsonTokenType.EndArray:
                    stack.Pop();
                    Advance(stack);
                    break;
                default:
                    _ = ValuePath(stack, property, locations, utf8, lineStarts, offset);
                    property = null;
                    Advance(stack);
                    break;
            }
        }

        return locations;
    }

    /// <summary>" (line 12, column 5)" for <paramref name="path"/> or the nearest enclosing key that is in the file; else empty.</summary>
    public string Describe(string path)
    {
        var probe = path;
        while (probe.Length > 0)
        {
            if (_byPath.TryGetValue(probe, out var at))
            {
                return $" (line {at.Line}, column {at.Column})";
            }

            var cut = Math.Max(probe.LastIndexOf('.'), probe.LastIndexOf('['));
            probe = cut > 0 ? probe[..cut] : string.Empty;
        }

        return string.Empty;
    }

    private static string ValuePath(Stack<(string Path, bool IsArray, int Index)> stack, string? property, JsonLocations locations, ReadOnlySpan<byte> utf8, List<int> lineStarts, int offset)
    {
        if (stack.Count == 0)
        {
            return string.Empty;
        }

        var (parent, isArray, index) = stack.Peek();
        if (!isArray)
        {
            return Join(parent, property ?? string.Empty);
        }

        var path = $"{parent}[{index}]";
        locations._byPath[path] = Position(utf8, lineStarts, offset);
        return path;
    }

    private static void Advance(Stack<(string Path, bool IsArray, int Index)> stack)
    {
        if (stack.Count > 0 && stack.Peek().IsArray)
        {
            var (path, isArray, index) = stack.Pop();
            stack.Push((path, isArray, index + 1));
        }
    }

    private static (int Line, int Column) Position(ReadOnlySpan<byte> utf8, List<int> lineStarts, int offset)
    {
        var line = lineStarts.BinarySearch(offset);
        if (line < 0)
        {
            line = ~line - 1;
        }

        var column = Encoding.UTF8.GetCharCount(utf8[lineStarts[line]..offset]) + 1;
        return (line + 1, column);
    }

    private static string Join(string parent, string name) => parent.Length == 0 ? name : $"{parent}.{name}";
}
