using System.Text;
using System.Text.Json;
using EdgeTransfer.Mqtt.Protocol;

namespace EdgeTransfer.Fleet;

/// <summary>
/// Builds the JSON body of a command from <c>--arg key=value</c> pairs or a <c>--body</c> object, and
/// knows which commands the fleet tool may send by name (protocol v1, docs/mqtt.md).
/// </summary>
/// <remarks>
/// The tool checks the shape (a known command, well-formed pairs, a JSON object); the device checks the
/// fields and ranges and answers with an error naming the field — one authority for the rules.
/// </remarks>
public static class CommandBody
{
    /// <summary>
    /// Commands <c>fleet cmd</c> sends. <c>deploy</c> and <c>deploy-chunk</c> are not in the list: they only
    /// make sense as a whole transfer (<c>fleet deploy</c>).
    /// </summary>
    public static IReadOnlyList<string> Commands { get; } = ["label", "collect", "train", "rollback", "status", "config", "fit"];

    /// <summary>Throws unless <paramref name="name"/> is one of <see cref="Commands"/>.</summary>
    /// <param name="name">The command name as typed.</param>
    /// <exception cref="InvalidSettingException">Unknown name (setting <c>&lt;name&gt;</c>); the message lists the known ones.</exception>
    public static string RequireKnown(string? name)
    {
        if (name is "deploy" or "deploy-chunk")
        {
            throw new InvalidSettingException("<name>", $"'{name}' is part of a bundle transfer; use 'edgetransfer fleet deploy <bundle> --to <devices>'.");
        }

        if (name is null || !Commands.Contains(name, StringComparer.Ordinal))
        {
            throw new InvalidSettingException("<name>", $"unknown command {ProtocolIds.Quote(name)}; expected one of {string.Join(", ", Commands)}.");
        }

        return name;
    }

    /// <summary>
    /// The request body: <c>{"schema":"edgetransfer/v1", …}</c>. Each <c>key=value</c> becomes a field
    /// (for <c>config</c>, an entry of <c>set</c>); a value that reads as JSON (number, true, false, null,
    /// "text", object, array) is taken as such, anything else as text.
    /// </summary>
    /// <param name="name">A known command name.</param>
    /// <param name="args">The <c>--arg</c> values.</param>
    /// <param name="body">The <c>--body</c> JSON object, or null. Not together with <paramref name="args"/>.</param>
    /// <exception cref="InvalidSettingException">A malformed pair, a repeated key, a body that is not a JSON object, or both given.</exception>
    public static byte[] Build(string name, IReadOnlyList<string> args, string? body)
    {
        RequireKnown(name);
        ArgumentNullException.ThrowIfNull(args);
        if (body is not null && args.Count > 0)
        {
            throw new InvalidSettingException("--body", "give either --body or --arg, not both.");
        }

        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            writer.WriteString("schema", DeviceMessage.SchemaVersion);
            if (body is not null)
            {
                CopyBody(writer, body);
            }
            else
            {
                WriteArgs(writer, name, args);
            }

            writer.WriteEndObject();
        }

        return stream.ToArray();
    }

    private static void CopyBody(Utf8JsonWriter writer, string body)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException ex)
        {
            throw new InvalidSettingException("--body", $"not valid JSON ({ex.Message}); expected an object such as '{{\"epochs\":20}}'.", ex);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidSettingException("--body", $"expected a JSON object such as '{{\"epochs\":20}}', got a {document.RootElement.ValueKind.ToString().ToUpperInvariant()}.");
            }

            foreach (var property in document.RootElement.EnumerateObject())
            {
                // "schema" is ours to set; a body that brings its own keeps it (the device checks it).
                if (property.NameEquals("schema"))
                {
                    continue;
                }

                property.WriteTo(writer);
            }

            if (document.RootElement.TryGetProperty("schema", out var schema) && schema.ValueKind == JsonValueKind.String && schema.GetString() != DeviceMessage.SchemaVersion)
            {
                throw new InvalidSettingException("--body", $"\"schema\" is {schema.GetRawText()}; this tool speaks {DeviceMessage.SchemaVersion} (leave \"schema\" out).");
            }
        }
    }

    private static void WriteArgs(Utf8JsonWriter writer, string name, IReadOnlyList<string> args)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var config = name == "config";
        if (config)
        {
            writer.WriteStartObject("set");
        }

        foreach (var arg in args)
        {
            var equals = arg.IndexOf('=', StringComparison.Ordinal);
            var key = equals > 0 ? arg[..equals] : "";
            if (equals <= 0 || !IsKey(key, config))
            {
                throw new InvalidSettingException("--arg", $"expected key=value with a key of letters and digits{(config ? " and dots (a config key such as inspection.threshold)" : " (a field such as epochs)")}, got {ProtocolIds.Quote(arg)}.");
            }

            if (!seen.Add(key))
            {
                throw new InvalidSettingException("--arg", $"'{key}' is given twice; give each key once.");
            }

            if (key == "schema")
            {
                throw new InvalidSettingException("--arg", "'schema' is set by the tool; leave it out.");
            }

            writer.WritePropertyName(key);
            WriteValue(writer, arg[(equals + 1)..]);
        }

        if (config)
        {
            if (seen.Count == 0)
            {
                throw new InvalidSettingException("--arg", "config needs at least one --arg key=value (e.g. --arg inspection.threshold=0.8).");
            }

            writer.WriteEndObject();
        }
    }

    private static bool IsKey(string key, bool dotted) =>
        key.Length is > 0 and <= 64
        && char.IsAsciiLetter(key[0])
        && key.All(c => char.IsAsciiLetterOrDigit(c) || (dotted && c is '.' or '_'))
        && !key.EndsWith('.');

    private static void WriteValue(Utf8JsonWriter writer, string value)
    {
        if (value.Length > 0 && (value[0] is '{' or '[' or '"' or '-' || char.IsAsciiDigit(value[0]) || value is "true" or "false" or "null"))
        {
            try
            {
                using var document = JsonDocument.Parse(Encoding.UTF8.GetBytes(value), new JsonDocumentOptions { MaxDepth = 16 });
                document.RootElement.WriteTo(writer);
                return;
            }
            catch (JsonException)
            {
                // Not JSON after all (e.g. a label "3-dents"): it is text.
            }
        }

        writer.WriteStringValue(value);
    }
}
