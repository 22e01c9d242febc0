using System.Text.Json;
using System.Text;
using EdgeTransfer.Artifacts.Json;

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

    // Technicians read these messages: objects are "sections", a null gets advice, a misspelt value a suggestion.
    private static readonly JsonShapeDialect Dialect = new()
    {
        ObjectNoun = "a section",
        NullAdvice = "; leave the key out to take the default",
        SuggestValues = true,
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
                : $"is not valid JSON{where}: {JsonShape.WithoutLocation(ex.Message)}.", ex);
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

            var options = JsonShape.Read(document.RootElement, DeviceJsonContext.Default.DeviceOptions, Dialect, problem => Error(problem.Path, problem.Reason));

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
}
