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
    // Programs send these bodies: keys are "fields", a number that does not fit is a range error of its own code.
    private static readonly JsonShapeDialect Dialect = new()
    {
        DuplicateAdvice = "send each key once",
        ReportRange = true,
        UnknownKeyReason = (_, known, _) => $"is not a field of this command; the fields are {string.Join(", ", known)}.",
    };

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
            throw new CommandException(CommandErrorCodes.InvalidJson, null, $"The payload is not valid JSON: {JsonShape.WithoutLocation(ex.Message)} (line {ex.LineNumber + 1}, byte {ex.BytePositionInLine + 1}).", ex);
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
            throw new CommandException(CommandErrorCodes.WrongType, null, $"The payload must be a JSON object {{ … }}, got {JsonShape.Actual(root)}.");
        }

        // The schema goes first: a v2 body would otherwise be reported as a pile of unknown fields.
        if (!root.TryGetProperty("schema", out var schema))
        {
            throw new CommandException(CommandErrorCodes.MissingField, "schema", $"schema: is missing; expected \"{DeviceMessage.SchemaVersion}\".");
        }

        if (schema.ValueKind != JsonValueKind.String || schema.GetString() != DeviceMessage.SchemaVersion)
        {
            throw new CommandException(CommandErrorCodes.UnsupportedSchema, "schema", $"schema: expected \"{DeviceMessage.SchemaVersion}\", got {JsonShape.Actual(schema)}; this device speaks protocol v1 only.");
        }

        return JsonShape.Read(root, info, Dialect, ToCommandError);
    }

    private static CommandException ToCommandError(JsonShapeProblem problem)
    {
        var code = problem.Kind switch
        {
            JsonShapeProblemKind.NotAllowed => CommandErrorCodes.InvalidValue,
            JsonShapeProblemKind.OutOfRange => CommandErrorCodes.OutOfRange,
            JsonShapeProblemKind.DuplicateKey => CommandErrorCodes.DuplicateKey,
            JsonShapeProblemKind.UnknownKey => CommandErrorCodes.UnknownField,
            JsonShapeProblemKind.MissingKey => CommandErrorCodes.MissingField,
            _ => CommandErrorCodes.WrongType,
        };
        var field = problem.Path.Length > 0 ? problem.Path : problem.Kind == JsonShapeProblemKind.Unreadable ? null : "payload";
        // A key as sent may hold anything (newlines, a hundred kilobytes): quote it before it reaches a reply.
        var where = problem.Kind == JsonShapeProblemKind.UnknownKey ? ProtocolIds.Quote(problem.Path) : field ?? "payload";
        return new CommandException(code, field, $"{where}: {problem.Reason}");
    }

    private static int ValidPrefixLength(ReadOnlySpan<byte> data)
    {
        // Decoding without replacement stops at the first invalid sequence and says how far it got.
        var chars = new char[data.Length];
        _ = Utf8.ToUtf16(data, chars, out var read, out _, replaceInvalidSequences: false);
        return read;
    }
}
