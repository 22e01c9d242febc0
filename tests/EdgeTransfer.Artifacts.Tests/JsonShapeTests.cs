using System.Text.Json;
using System.Text.Json.Serialization;
using EdgeTransfer.Artifacts.Json;

namespace EdgeTransfer.Artifacts.Tests;

/// <summary>
/// The one strict JSON reader behind bundle files, <c>device.json</c> and MQTT command bodies: the checks are shared,
/// the dialect decides the wording and which problems get a kind of their own.
/// </summary>
public class JsonShapeTests
{
    private static readonly JsonShapeDialect Sections = new() { ObjectNoun = "a section", SuggestValues = true, NullAdvice = "; leave the key out" };
    private static readonly JsonShapeDialect Commands = new() { ReportRange = true, DuplicateAdvice = "send each key once" };

    [Theory]
    [InlineData("""{ "count": 1, "limits": { "a": 1, "a": 2 } }""", "limits.a")]
    [InlineData("""{ "count": 1, "count": 2 }""", "count")]
    public void Read_RefusesADuplicateKey_InObjectsAndDictionaries(string json, string path)
    {
        // When a document repeats a key, at the top or inside a dictionary
        var problem = ProblemOf(json, JsonShapeDialect.Documents);

        // Then the repeated key is named, whatever the dialect
        Assert.Equal(JsonShapeProblemKind.DuplicateKey, problem.Kind);
        Assert.Equal(path, problem.Path);
        Assert.Equal("appears twice; send each key once.", ProblemOf(json, Commands).Reason);
    }

    [Fact]
    public void Read_ReportsAWholeNumberTooLarge_AsARangeError_OnlyWhereTheDialectAsks()
    {
        // Given a count that does not fit an int
        const string json = """{ "count": 3000000000 }""";

        // When it is read as a command body and as a document
        var command = ProblemOf(json, Commands);
        var document = ProblemOf(json, JsonShapeDialect.Documents);

        // Then the command gets a range error with the bound crossed, the document a type error
        Assert.Equal((JsonShapeProblemKind.OutOfRange, "expected a whole number at most 2147483647, got 3000000000."), (command.Kind, command.Reason));
        Assert.Equal((JsonShapeProblemKind.WrongType, "expected a whole number, got 3000000000."), (document.Kind, document.Reason));
    }

    [Fact]
    public void Read_WordsProblems_InTheDialectOfTheDocument()
    {
        // When device.json-like sections hold a misspelt value, a null and a text for a list
        var value = ProblemOf("""{ "count": 1, "mode": "fsat" }""", Sections);
        var nulled = ProblemOf("""{ "count": 1, "limits": null }""", Sections);
        var list = ProblemOf("""{ "count": 1, "tags": "a" }""", JsonShapeDialect.Documents);

        // Then each message says what was expected in that dialect's words
        Assert.Equal((JsonShapeProblemKind.NotAllowed, "expected one of \"slow\", \"fast\", got \"fsat\" (did you mean \"fast\"?)."), (value.Kind, value.Reason));
        Assert.Equal("expected a section of \"name\": a number pairs, got null; leave the key out.", nulled.Reason);
        Assert.Equal("expected a list [ … ] of texts in quotes, got \"a\".", list.Reason);
    }

    [Fact]
    public void Read_NamesTheMissingKey_WhereNonNullableKeysAreRequired()
    {
        // When a document leaves out a non-nullable list
        var missing = ProblemOf("""{ "count": 1, "limits": {} }""", JsonShapeDialect.Documents);

        // Then bundle documents require it, command bodies (only "required" keys) do not
        Assert.Equal((JsonShapeProblemKind.MissingKey, "tags"), (missing.Kind, missing.Path));
        var read = JsonShape.Read(Parse("""{ "count": 1 }"""), ShapeJsonContext.Default.Shape, Commands, p => new InvalidDataException(p.Reason));
        Assert.Equal(1, read.Count);
    }

    private static JsonShapeProblem ProblemOf(string json, JsonShapeDialect dialect)
    {
        JsonShapeProblem? found = null;
        Assert.Throws<InvalidDataException>(() => JsonShape.Read(Parse(json), ShapeJsonContext.Default.Shape, dialect, problem =>
        {
            found = problem;
            return new InvalidDataException(problem.Reason);
        }));
        return found!.Value;
    }

    private static JsonElement Parse(string json) => JsonDocument.Parse(json).RootElement.Clone();
}

public enum ShapeMode
{
    [JsonStringEnumMemberName("slow")]
    Slow,

    [JsonStringEnumMemberName("fast")]
    Fast,
}

public sealed class Shape
{
    public int Count { get; init; }

    public ShapeMode Mode { get; init; }

    public Dictionary<string, double> Limits { get; init; } = [];

    public IReadOnlyList<string> Tags { get; init; } = [];
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, UseStringEnumConverter = true)]
[JsonSerializable(typeof(Shape))]
internal sealed partial class ShapeJsonContext : JsonSerializerContext;
