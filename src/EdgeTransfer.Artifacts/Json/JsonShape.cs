using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace EdgeTransfer.Artifacts.Json;

/// <summary>
/// Reads JSON into a source-generated contract after checking its shape against that same contract, so that every
/// mistake is reported with its path and with what was expected: an unknown key (usually a typo), a duplicate or
/// missing key, a null, a text where a number belongs, a value outside an enumeration. The one strict reader of the
/// SDK: bundle manifests, specs and checkpoint headers here, <c>device.json</c> in the runtime and MQTT command
/// bodies in the protocol library, each with its own <see cref="JsonShapeDialect"/>.
/// </summary>
/// <remarks>
/// System.Text.Json reports such errors with the path but not with the expected type; walking the
/// <see cref="JsonTypeInfo"/> metadata gives both without a second, hand-written schema. The document is never partly
/// applied: the caller gets a fully checked object or an exception.
/// </remarks>
public static class JsonShape
{
    private static readonly JsonDocumentOptions DocumentOptions = new()
    {
        // People write specs by hand: comments help them; trailing commas are still an error.
        CommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = false,
        MaxDepth = 32,
    };

    /// <summary>Checks that <paramref name="element"/> has the shape of <paramref name="info"/>.</summary>
    /// <param name="element">The document or a part of it.</param>
    /// <param name="info">The contract that will read it.</param>
    /// <param name="dialect">How problems are worded and which keys are required.</param>
    /// <param name="error">Builds the exception thrown for the first problem.</param>
    public static void Check(JsonElement element, JsonTypeInfo info, JsonShapeDialect dialect, JsonShapeError error)
    {
        ArgumentNullException.ThrowIfNull(info);
        ArgumentNullException.ThrowIfNull(dialect);
        ArgumentNullException.ThrowIfNull(error);
        new JsonShapeWalker(dialect, error).Check(element, info, string.Empty);
    }

    /// <summary>Checks the shape of <paramref name="element"/> and deserializes it.</summary>
    /// <typeparam name="T">The contract's type.</typeparam>
    /// <param name="element">The document.</param>
    /// <param name="info">The contract.</param>
    /// <param name="dialect">How problems are worded and which keys are required.</param>
    /// <param name="error">Builds the exception thrown for the first problem.</param>
    /// <returns>The object read.</returns>
    public static T Read<T>(JsonElement element, JsonTypeInfo<T> info, JsonShapeDialect dialect, JsonShapeError error)
    {
        Check(element, info, dialect, error);
        try
        {
            return JsonSerializer.Deserialize(element, info)
                ?? throw error(new JsonShapeProblem(JsonShapeProblemKind.WrongType, string.Empty, $"expected {dialect.ObjectNoun} {{ … }}, got null."));
        }
        catch (JsonException ex)
        {
            // Only what the shape check cannot see lands here (a converter's own refusal …).
            var path = string.IsNullOrEmpty(ex.Path) || ex.Path == "$" ? string.Empty : ex.Path.TrimStart('$').TrimStart('.');
            throw error(new JsonShapeProblem(JsonShapeProblemKind.Unreadable, path, $"cannot be read: {WithoutLocation(ex.Message)}."));
        }
    }

    /// <summary>A short description of a JSON value for "expected …, got …" messages: its kind, or the value itself when short.</summary>
    /// <param name="element">The value.</param>
    public static string Actual(JsonElement element) => Actual(element, JsonShapeDialect.Documents.ObjectNoun);

    /// <summary>
    /// The message of a <see cref="JsonException"/> without the <c>Path: … | LineNumber: …</c> that System.Text.Json
    /// appends (the caller names the place better) and without its final full stop.
    /// </summary>
    /// <param name="message">The exception's message.</param>
    public static string WithoutLocation(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return message.Split([" Path:", " LineNumber:"], 2, StringSplitOptions.None)[0].Trim().TrimEnd('.');
    }

    /// <summary>Parses <paramref name="json"/> into a document, reporting a syntax error with its line.</summary>
    internal static JsonDocument Parse(string json, ValidationError error)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, DocumentOptions);
        }
        catch (JsonException ex)
        {
            throw error("(file)", $"is not valid JSON: {WithoutLocation(ex.Message)} (line {ex.LineNumber + 1}, byte {ex.BytePositionInLine + 1}).");
        }

        if (JsonTexts.FindUnreadable(document.RootElement) is { } unreadable)
        {
            document.Dispose();
            throw error(unreadable.Length == 0 ? "(file)" : unreadable, JsonTexts.LoneSurrogateReason + ".");
        }

        return document;
    }

    /// <summary>Checks the shape of a bundle document (every non-nullable key required) and deserializes it.</summary>
    internal static T Read<T>(JsonElement element, JsonTypeInfo<T> info, ValidationError error) =>
        Read(element, info, JsonShapeDialect.Documents, problem => error(problem.Path.Length == 0 ? "(file)" : problem.Path, problem.Reason));

    internal static string Actual(JsonElement element, string objectNoun) => element.ValueKind switch
    {
        JsonValueKind.Object => objectNoun,
        JsonValueKind.Array => "a list",
        JsonValueKind.Null => "null",
        _ => Truncate(element.GetRawText()),
    };

    private static string Truncate(string text) => text.Length <= 40 ? text : text[..37] + "…";
}
