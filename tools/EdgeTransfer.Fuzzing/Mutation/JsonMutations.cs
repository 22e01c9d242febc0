using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace EdgeTransfer.Fuzzing.Mutation;

/// <summary>
/// Mutations that know JSON: a value of another type, null, a huge or malformed number, a removed, added,
/// renamed or duplicated member, deep nesting, a long or odd string, an empty or grown array. One call applies
/// one to three of them to a valid document, and sometimes a byte mutation of the text on top.
/// </summary>
/// <remarks>
/// What a JSON tree cannot hold (duplicate keys, 1e400, deep nesting past the writer's limit, a lone surrogate)
/// is put in as a placeholder string and replaced in the written text.
/// </remarks>
public static class JsonMutations
{
    private const string Placeholder = "@@fuzz-raw-";
    private static readonly string[] RawNumbers =
    [
        "0", "-1", "-0", "1.5", "2147483647", "2147483648", "-2147483649", "4294967296", "9223372036854775807",
        "9223372036854775808", "-9223372036854775809", "18446744073709551616", "1e308", "-1e308", "1e400", "1e-400",
        "123456789012345678901234567890", "0.0000001", "1E2",
    ];

    private static readonly string[] OddStrings =
    [
        "", " ", "../../etc/passwd", "/dev/zero", "C:\\\\Windows", "%s%n", "\\u0000", "\\ud800", "\\udfff\\ud800", "ü✓😀",
        "NaN", "Infinity", "-1", "true", "null", "edgetransfer/v1 ", "EDGETRANSFER/V1", "\\n\\r\\t",
    ];

    /// <summary>A mutated copy of the JSON document <paramref name="input"/>; byte mutations when it is not JSON.</summary>
    /// <param name="input">A valid JSON document (UTF-8).</param>
    /// <param name="random">The input's random source (seeded per iteration).</param>
    public static byte[] Mutate(byte[] input, Random random)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(random);
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(input, documentOptions: new JsonDocumentOptions { MaxDepth = 256, CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException)
        {
            return ByteMutations.Mutate(input, random);
        }

        var raws = new List<string>();
        var rounds = 1 + random.Next(3);
        for (var round = 0; round < rounds; round++)
        {
            root = MutateOnce(root, random, raws);
        }

        var text = root?.ToJsonString() ?? "null";
        for (var i = 0; i < raws.Count; i++)
        {
            text = text.Replace($"\"{Placeholder}{i}\"", raws[i], StringComparison.Ordinal);
        }

        var bytes = Encoding.UTF8.GetBytes(text);
        return random.Next(10) == 0 ? ByteMutations.Mutate(bytes, random) : bytes;
    }

    private static JsonNode? MutateOnce(JsonNode? root, Random random, List<string> raws)
    {
        var places = new List<Place>();
        Collect(root, null, null, -1, places);
        var place = places[random.Next(places.Count)];
        JsonNode? Raw(string text)
        {
            raws.Add(text);
            return JsonValue.Create($"{Placeholder}{raws.Count - 1}");
        }

        // Half the mutations keep the value's kind, so that they pass the shape checks and reach the range checks.
        if (random.Next(2) == 0)
        {
            return SameKind(root, place, random, Raw);
        }

        switch (random.Next(12))
        {
            case 0:
                return Replace(root, place, OtherType(place.Node, random));
            case 1:
                return Replace(root, place, null);
            case 2:
                return Replace(root, place, Raw(RawNumbers[random.Next(RawNumbers.Length)]));
            case 3:
                return Remove(root, place);
            case 4 when place.Node is JsonObject added:
                added["fuzz" + random.Next(100)] = random.Next(2) == 0 ? 1 : new JsonObject();
                return root;
            case 5 when place.Node is JsonObject { Count: > 0 } duplicated:
                // A second member with a key already present: JSON readers disagree on which one wins.
                var (key, value) = duplicated.ElementAt(random.Next(duplicated.Count));
                raws.Add(JsonSerializer.Serialize(key));
                duplicated[$"{Placeholder}{raws.Count - 1}"] = value?.DeepClone();
                return root;
            case 6:
                var depth = random.Next(3) switch { 0 => 70, 1 => 1_000, _ => 100_000 };
                return Replace(root, place, Raw(new string('[', depth) + new string(']', depth)));
            case 7:
                return Replace(root, place, random.Next(3) == 0
                    ? JsonValue.Create(new string((char)('A' + random.Next(26)), random.Next(2) == 0 ? 300 : 200_000))
                    : Raw($"\"{OddStrings[random.Next(OddStrings.Length)]}\""));
            case 8 when place.Node is JsonArray { Count: > 0 } grown:
                var copies = random.Next(2) == 0 ? 10 : 5_000;
                var item = grown[random.Next(grown.Count)];
                for (var i = 0; i < copies; i++)
                {
                    grown.Add(item?.DeepClone());
                }

                return root;
            case 9 when place.Parent is JsonObject renamed && place.Key is { } name:
                renamed.Remove(name);
                renamed[random.Next(2) == 0 ? name.ToUpperInvariant() : name + " "] = place.Node;
                return root;
            case 10:
                return Replace(root, place, random.Next(2) == 0 ? new JsonArray() : new JsonObject());
            default:
                return Replace(root, place, place.Node is JsonValue v && v.TryGetValue<double>(out var number)
                    ? JsonValue.Create(-number - 1)
                    : JsonValue.Create(random.Next(2) == 0 ? "x" : "0"));
        }
    }

    private static JsonNode? SameKind(JsonNode? root, Place place, Random random, Func<string, JsonNode?> raw)
    {
        switch (place.Node)
        {
            case JsonObject { Count: > 0 } o:
                o.Remove(o.ElementAt(random.Next(o.Count)).Key);
                return root;
            case JsonArray { Count: > 0 } a when random.Next(2) == 0:
                a.RemoveAt(random.Next(a.Count));
                return root;
            case JsonArray a:
                a.Clear();
                return root;
            case JsonValue v when v.GetValueKind() == JsonValueKind.Number:
                return Replace(root, place, raw(RawNumbers[random.Next(RawNumbers.Length)]));
            case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                return Replace(root, place, random.Next(4) == 0
                    ? JsonValue.Create(v.GetValue<string>() + new string('x', random.Next(2) == 0 ? 1 : 70))
                    : raw($"\"{OddStrings[random.Next(OddStrings.Length)]}\""));
            case JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False:
                return Replace(root, place, JsonValue.Create(v.GetValueKind() == JsonValueKind.False));
            default:
                return Replace(root, place, raw(RawNumbers[random.Next(RawNumbers.Length)]));
        }
    }

    private static JsonNode? OtherType(JsonNode? node, Random random) => (node?.GetValueKind(), random.Next(3)) switch
    {
        (JsonValueKind.String, 0) => JsonValue.Create(1),
        (JsonValueKind.String, _) => new JsonArray(JsonValue.Create("x")),
        (JsonValueKind.Number, 0) => JsonValue.Create(node!.ToJsonString()),
        (JsonValueKind.Number, _) => JsonValue.Create(true),
        (JsonValueKind.True or JsonValueKind.False, _) => JsonValue.Create("true"),
        (JsonValueKind.Object, _) => new JsonArray(),
        (JsonValueKind.Array, _) => new JsonObject { ["0"] = 1 },
        _ => JsonValue.Create("x"),
    };

    private static JsonNode? Replace(JsonNode? root, Place place, JsonNode? replacement)
    {
        switch (place.Parent)
        {
            case JsonObject o:
                o[place.Key!] = replacement;
                return root;
            case JsonArray a:
                a[place.Index] = replacement;
                return root;
            default:
                return replacement;
        }
    }

    private static JsonNode? Remove(JsonNode? root, Place place)
    {
        switch (place.Parent)
        {
            case JsonObject o:
                o.Remove(place.Key!);
                return root;
            case JsonArray a:
                a.RemoveAt(place.Index);
                return root;
            default:
                return new JsonObject();
        }
    }

    private static void Collect(JsonNode? node, JsonNode? parent, string? key, int index, List<Place> places)
    {
        places.Add(new Place(node, parent, key, index));
        switch (node)
        {
            case JsonObject o:
                foreach (var (name, child) in o.ToList())
                {
                    Collect(child, o, name, -1, places);
                }

                break;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++)
                {
                    Collect(a[i], a, null, i, places);
                }

                break;
        }
    }

    private readonly record struct Place(JsonNode? Node, JsonNode? Parent, string? Key, int Index);
}
