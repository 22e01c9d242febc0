using System.Text.Json.Serialization.Metadata;
using System.Text.Json;
using System.Text;
using EdgeTransfer.Artifacts.Json;
using EdgeTransfer.Artifacts.Text;

namespace EdgeTransfer.Runtime.Configuration;

/// <summary>
/// Reads <c>device.json</c>. Every mistake is an <see cref="InvalidSettingException"/> whose
/// <see cref="InvalidSettingException.Setting"/> is <c>device.json: training.epochs</c> and whose reason says what
/// was expected, what was found and where: malformed JSON with its line and column, an unknown key with the
/// key it was probably meant to be, a wrong type, a value out of range, a missing file.
/// </summary>
/// <example>
/// <code>
/// { "device": { "id": "line3-cam1", "fleet": "plant-a" },
///   "source": { "kind": "camera", "camera": { "device": "/dev/video0", "width": 640, "height": 480 } },
///   "trigger": { "kind": "gpio", "gpio": { "chip": 0, "pin": 17, "edge": "rising", "debounceMs": 20 } },
///   "reject": { "kind": "gpio", "gpio": { "chip": 0, "pin": 27, "pulseMs": 120 } },
///   "inspection": { "goodClass": "good", "thresholds": { "scratch": 0.6 } },
///   "training": { "epochs": 30, "marginToPromote": 0.0 } }
/// </code>
/// </example>
public static class DeviceConfigFile
{
    /// <summary>The usual file name.</summary>
    public const string DefaultFileName = "device.json";

    /// <summary>The largest file accepted (a configuration is a few kilobytes).</summary>
    public const int MaxFileBytes = 1 << 20;

    private static readonly JsonDocumentOptions DocumentOptions = new()
    {
        // Technicians comment their files; trailing commas stay an error (other JSON tools reject them).
        CommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = false,
        MaxDepth = 32,
    };

    /// <summary>
    /// Reads, checks and returns the options in <paramref name="path"/>. Relative paths in the file are resolved
    /// against the file's directory, and the files it names (TLS, password, replay folder) must exist.
    /// </summary>
    /// <param name="path">The configuration file.</param>
    /// <param name="checkFiles">Also check that the files it names (TLS, password, replay folder) exist and are private; commands that do not connect to the broker pass false.</param>
    /// <exception cref="InvalidSettingException">The file is missing, not JSON, or has a bad key or value.</exception>
    public static DeviceOptions Load(string path, bool checkFiles = true)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var name = Path.GetFileName(path);
        var full = Path.GetFullPath(path);
        byte[] bytes;
        try
        {
            var info = new FileInfo(full);
            if (!info.Exists)
            {
                throw new InvalidSettingException(name, $"expected a configuration file at {full}, but there is none; create it ({{}} takes every default).");
            }

            if (info.Length > MaxFileBytes)
            {
                throw new InvalidSettingException(name, $"expected a configuration of at most {MaxFileBytes} bytes, got {info.Length}; is this the right file?");
            }

            bytes = File.ReadAllBytes(full);
        }
        catch (IOException ex)
        {
            throw new InvalidSettingException(name, $"the file {full} cannot be read: {ex.Message}", ex);
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new InvalidSettingException(name, $"the file {full} cannot be read: {ex.Message}", ex);
        }

        return Parse(bytes, name, Path.GetDirectoryName(full), checkFiles);
    }

    /// <summary>Checks and returns the options in <paramref name="json"/>.</summary>
    /// <param name="json">The configuration text.</param>
    /// <param name="sourceName">The name used in errors (<c>device.json</c>).</param>
    /// <param name="baseDirectory">The directory relative paths are resolved against, or null to leave them as written.</param>
    /// <param name="checkFiles">Whether the files named must exist (and secrets be private).</param>
    /// <exception cref="InvalidSettingException">The text is not JSON, or has a bad key or value.</exception>
    public static DeviceOptions Parse(string json, string sourceName = DefaultFileName, string? baseDirectory = null, bool checkFiles = false)
    {
        ArgumentNullException.ThrowIfNull(json);
        return Parse(Encoding.UTF8.GetBytes(json), sourceName, baseDirectory, checkFiles);
    }

    /// <summary>The options as <c>device.json</c> text, every key written (what <c>status</c> shows as the effective configuration).</summary>
    /// <param name="options">The options.</param>
    public static string ToJson(DeviceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return JsonSerializer.Serialize(options, DeviceJsonContext.Default.DeviceOptions);
    }

    private static DeviceOptions Parse(byte[] bytes, string sourceName, string? baseDirectory, bool checkFiles)
    {
        ArgumentException.ThrowIfNullOrEmpty(sourceName);
        ReadOnlyMemory<byte> utf8 = bytes;
        if (utf8.Span.StartsWith("\uFEFF"u8))
        {
            utf8 = utf8[3..];
        }

        try
        {
            _ = new UTF8Encoding(false, throwOnInvalidBytes: true).GetCharCount(utf8.Span);
        }
        catch (DecoderFallbackException ex)
        {
            throw new InvalidSettingException(sourceName, "expected UTF-8 text, but the file has bytes that are not UTF-8 (saved in another encoding?).", ex);
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8, DocumentOptions);
        }
        catch (JsonException ex)
        {
            var where = ex.LineNumber is { } line ? $" at line {line + 1}, column {(ex.BytePositionInLine ?? 0) + 1}" : string.Empty;
            throw new InvalidSettingException(sourceName, utf8.Length == 0 || utf8.Span.Trim(" \t\r\n"u8).IsEmpty
                ? "expected a JSON object, but the file is empty; write {} to take every default."
                : $"is not valid JSON{where}: {Sentence(ex.Message)}.", ex);
        }

        using (document)
        {
            // Before the locations are indexed: their reader cannot read such a key either.
            if (JsonTexts.FindUnreadable(document.RootElement) is { } unreadable)
            {
                throw new InvalidSettingException(unreadable.Length == 0 ? sourceName : $"{sourceName}: {unreadable}", JsonTexts.LoneSurrogateReason + ".");
            }

            var locations = JsonLocations.Index(utf8.Span);
            InvalidSettingException Error(string key, string reason) =>
                key.Length == 0
                    ? new InvalidSettingException(sourceName, reason)
                    : new InvalidSettingException($"{sourceName}: {key}", reason.TrimEnd('.') + locations.Describe(key) + ".");

            var info = DeviceJsonContext.Default.DeviceOptions;
            Check(document.RootElement, info, string.Empty, nullable: false, Error);
            DeviceOptions options;
            try
            {
                options = document.RootElement.Deserialize(info) ?? throw Error(string.Empty, "expected a JSON object { … }, got null.");
            }
            catch (JsonException ex)
            {
                // Only what the shape check cannot see gets here (a number too large for its type …).
                throw Error(ToKey(ex.Path), $"cannot be read: {Sentence(ex.Message)}.");
            }

            // An "mqtt" section means the device is meant to report to a broker: it is switched on unless the
            // section says "enabled": false (or null, which ToJson writes for "not decided").
            if (document.RootElement.TryGetProperty("mqtt", out var mqtt) && mqtt.ValueKind == JsonValueKind.Object && !mqtt.TryGetProperty("enabled", out _))
            {
                options.Mqtt.Enabled = true;
            }

            var problems = FindProblems(options, baseDirectory, checkFiles);
            if (problems.Count > 0)
            {
                throw Error(problems[0].Key, problems[0].Reason);
            }

            return options;
        }
    }

    private static IReadOnlyList<SettingProblem> FindProblems(DeviceOptions options, string? baseDirectory, bool checkFiles)
    {
        var problems = DeviceOptionsValidator.FindProblems(options, checkFiles: false);
        if (problems.Count > 0 || baseDirectory is null)
        {
            return problems;
        }

        // Again once the paths are resolved: some checks (store apart from the bundle) compare full paths.
        Resolve(options, baseDirectory);
        return DeviceOptionsValidator.FindProblems(options, checkFiles);
    }

    private static void Resolve(DeviceOptions options, string baseDirectory)
    {
        string Full(string path) => Path.GetFullPath(path, baseDirectory);
        options.Bundle.Path = Full(options.Bundle.Path);
        options.Store.Path = Full(options.Store.Path);
        if (options.Source.Folder.Path is { Length: > 0 } folder)
        {
            options.Source.Folder.Path = Full(folder);
        }

        var anomaly = options.Inspection.Anomaly;
        anomaly.GoodImages = anomaly.GoodImages is { Length: > 0 } good ? Full(good) : anomaly.GoodImages;
        anomaly.DefectImages = anomaly.DefectImages is { Length: > 0 } defects ? Full(defects) : anomaly.DefectImages;
        if (options.Mqtt.PasswordFile is { Length: > 0 } password)
        {
            options.Mqtt.PasswordFile = Full(password);
        }

        if (options.Mqtt.Tls is { } tls)
        {
            tls.CaFile = tls.CaFile is { Length: > 0 } ca ? Full(ca) : tls.CaFile;
            tls.ClientCert = tls.ClientCert is { Length: > 0 } cert ? Full(cert) : tls.ClientCert;
            tls.ClientKey = tls.ClientKey is { Length: > 0 } key ? Full(key) : tls.ClientKey;
        }
    }

    // Walks the document along the source-generated contract, so that the error says what was expected there.
    private static void Check(JsonElement element, JsonTypeInfo info, string path, bool nullable, Func<string, string, InvalidSettingException> error)
    {
        var type = Nullable.GetUnderlyingType(info.Type) ?? info.Type;
        if (element.ValueKind == JsonValueKind.Null)
        {
            if (nullable || Nullable.GetUnderlyingType(info.Type) is not null)
            {
                return;
            }

            throw error(path, $"expected {Describe(info)}, got null; leave the key out to take the default.");
        }

        switch (info.Kind)
        {
            case JsonTypeInfoKind.Object:
                Expect(element, JsonValueKind.Object, info, path, error);
                var known = info.Properties.Where(p => p.Set is not null).ToDictionary(p => p.Name, StringComparer.Ordinal);
                var seen = new HashSet<string>(StringComparer.Ordinal);
                foreach (var property in element.EnumerateObject())
                {
                    var propertyPath = Join(path, property.Name);
                    if (!seen.Add(property.Name))
                    {
                        throw error(propertyPath, "appears twice in the same section; keep one.");
                    }

                    if (!known.TryGetValue(property.Name, out var propertyInfo))
                    {
                        var keys = string.Join(", ", known.Keys);
                        throw error(propertyPath, $"is not a known key{NameSuggestions.DidYouMean(property.Name, known.Keys)}; the keys {(path.Length == 0 ? "at the top level" : $"of {path}")} are {keys}.");
                    }

                    Check(property.Value, info.Options.GetTypeInfo(propertyInfo.PropertyType), propertyPath, propertyInfo.IsSetNullable, error);
                }

                break;
            case JsonTypeInfoKind.Enumerable:
                Expect(element, JsonValueKind.Array, info, path, error);
                var itemInfo = info.Options.GetTypeInfo(info.ElementType!);
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    Check(item, itemInfo, $"{path}[{index++}]", nullable: false, error);
                }

                break;
            case JsonTypeInfoKind.Dictionary:
                Expect(element, JsonValueKind.Object, info, path, error);
                var valueInfo = info.Options.GetTypeInfo(info.ElementType!);
                var names = new HashSet<string>(StringComparer.Ordinal);
                foreach (var property in element.EnumerateObject())
                {
                    if (!names.Add(property.Name))
                    {
                        throw error(Join(path, property.Name), "appears twice in the same section; keep one.");
                    }

                    Check(property.Value, valueInfo, Join(path, property.Name), nullable: false, error);
                }

                break;
            default:
                CheckValue(element, type, info, path, error);
                break;
        }
    }

    private static void CheckValue(JsonElement element, Type type, JsonTypeInfo info, string path, Func<string, string, InvalidSettingException> error)
    {
        var ok = type switch
        {
            _ when type == typeof(string) => element.ValueKind == JsonValueKind.String,
            _ when type == typeof(bool) => element.ValueKind is JsonValueKind.True or JsonValueKind.False,
            _ when type == typeof(int) => element.ValueKind == JsonValueKind.Number && element.TryGetInt32(out _),
            _ when type == typeof(long) => element.ValueKind == JsonValueKind.Number && element.TryGetInt64(out _),
            _ when type == typeof(double) => element.ValueKind == JsonValueKind.Number && element.TryGetDouble(out var d) && double.IsFinite(d),
            _ when type.IsEnum => element.ValueKind == JsonValueKind.String && EnumNames(type, info).Contains(element.GetString(), StringComparer.Ordinal),
            _ => true,
        };
        if (!ok)
        {
            var hint = type.IsEnum && element.ValueKind == JsonValueKind.String
                ? NameSuggestions.DidYouMean(element.GetString()!, EnumNames(type, info))
                : string.Empty;
            throw error(path, $"expected {Describe(info)}, got {Actual(element)}{hint}.");
        }
    }

    private static void Expect(JsonElement element, JsonValueKind kind, JsonTypeInfo info, string path, Func<string, string, InvalidSettingException> error)
    {
        if (element.ValueKind != kind)
        {
            throw error(path, $"expected {Describe(info)}, got {Actual(element)}.");
        }
    }

    private static string Describe(JsonTypeInfo info)
    {
        var type = Nullable.GetUnderlyingType(info.Type) ?? info.Type;
        return info.Kind switch
        {
            JsonTypeInfoKind.Object => "a section { … }",
            JsonTypeInfoKind.Enumerable => $"a list [ … ] of {Describe(info.Options.GetTypeInfo(info.ElementType!))}s",
            JsonTypeInfoKind.Dictionary => $"a section of \"name\": {Describe(info.Options.GetTypeInfo(info.ElementType!))} pairs",
            _ when type == typeof(string) => "a text in quotes",
            _ when type == typeof(bool) => "true or false",
            _ when type == typeof(int) => "a whole number",
            _ when type == typeof(long) => "a whole number",
            _ when type == typeof(double) => "a number",
            _ when type.IsEnum => "one of " + string.Join(", ", EnumNames(type, info).Select(n => $"\"{n}\"")),
            _ => type.Name,
        };
    }

    private static string[] EnumNames(Type type, JsonTypeInfo info) =>
        [.. Enum.GetValuesAsUnderlyingType(type).Cast<object>()
            .Select(v => JsonSerializer.Serialize(Enum.ToObject(type, v), info).Trim('"'))];

    private static string Actual(JsonElement element)
    {
        var text = element.ValueKind switch
        {
            JsonValueKind.Object => "a section { … }",
            JsonValueKind.Array => "a list [ … ]",
            _ => element.GetRawText(),
        };
        return text.Length <= 40 ? text : text[..37] + "…";
    }

    // System.Text.Json appends "Path: … | LineNumber: … | BytePositionInLine: …"; the caller says that better.
    private static string Sentence(string message) =>
        message.Split([" Path:", " LineNumber:"], 2, StringSplitOptions.None)[0].Trim().TrimEnd('.');

    private static string ToKey(string? jsonPath) =>
        string.IsNullOrEmpty(jsonPath) || jsonPath == "$" ? string.Empty : jsonPath.TrimStart('$').TrimStart('.');

    private static string Join(string path, string name) => path.Length == 0 ? name : $"{path}.{name}";
}
