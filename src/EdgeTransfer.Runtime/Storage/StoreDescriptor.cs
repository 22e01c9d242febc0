using System.Text;
using System.Text.Json;
using EdgeTransfer.Artifacts.IO;

namespace EdgeTransfer.Runtime.Storage;

/// <summary>
/// <c>store.json</c>: the schema a store was created with. Written once, atomically, before any segment;
/// read and compared on every open.
/// </summary>
internal static class StoreDescriptor
{
    public const string FileName = "store.json";
    public const int FormatVersion = 1;

    /// <summary>
    /// Writes <c>store.json</c> for <paramref name="schema"/> in a new store, or checks that an existing store was
    /// created for the same feature size, classes and backbone.
    /// </summary>
    /// <exception cref="SampleStoreException">The store is another bundle's, its descriptor is damaged or a link, or it has segments but no descriptor.</exception>
    public static void CheckOrCreate(string directory, SampleStoreSchema schema, TimeProvider time)
    {
        var path = Path.Combine(directory, FileName);
        if (BoundedFile.LinkProblem(directory, path) is { } link)
        {
            throw new SampleStoreException(directory, $"'{path}': {link} Replace the link with the store's own {FileName}.");
        }

        if (!File.Exists(path))
        {
            if (SegmentFiles.List(directory).Count > 0)
            {
                throw new SampleStoreException(directory, $"it has segment files but no {FileName}, so what its samples mean is unknown. Move the directory aside to start a new store.");
            }

            Write(path, schema, time.GetUtcNow());
            return;
        }

        var stored = Read(path, directory);
        var sameSource = stored.FeatureSource is null || schema.FeatureSource is null
            || string.Equals(stored.FeatureSource, schema.FeatureSource, StringComparison.OrdinalIgnoreCase);
        if (stored.FeatureDimension != schema.FeatureDimension || !stored.Classes.SequenceEqual(schema.Classes, StringComparer.Ordinal) || !sameSource)
        {
            var what = stored.FeatureDimension != schema.FeatureDimension
                ? $"its samples have {stored.FeatureDimension} features, the bundle gives {schema.FeatureDimension}"
                : !stored.Classes.SequenceEqual(schema.Classes, StringComparer.Ordinal)
                    ? $"its classes are [{string.Join(", ", stored.Classes)}], the bundle's are [{string.Join(", ", schema.Classes)}]"
                    : $"its features come from backbone {Sha256.Abbreviate(stored.FeatureSource!)}, the bundle's backbone is {Sha256.Abbreviate(schema.FeatureSource!)}";
            throw new SampleStoreException(directory, $"it was created for another bundle: {what} (store: {Describe(stored)}; bundle: {Describe(schema)}). Its samples cannot train this head; point store.path elsewhere or move the old store aside (it is left as it is).");
        }
    }

    public static void Write(string path, SampleStoreSchema schema, DateTimeOffset createdAt)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteNumber("formatVersion", FormatVersion);
            writer.WriteString("createdAt", createdAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ"));
            writer.WriteNumber("featureDimension", schema.FeatureDimension);
            writer.WriteStartArray("classes");
            foreach (var name in schema.Classes)
            {
                writer.WriteStringValue(name);
            }

            writer.WriteEndArray();
            if (schema.FeatureSource is null)
            {
                writer.WriteNull("featureSource");
            }
            else
            {
                writer.WriteString("featureSource", schema.FeatureSource);
            }

            writer.WriteEndObject();
        }

        buffer.WriteByte((byte)'\n');
        AtomicFile.WriteAllBytes(path, buffer.ToArray());
    }

    /// <summary>Reads the schema; throws <see cref="SampleStoreException"/> naming the problem.</summary>
    public static SampleStoreSchema Read(string path, string storePath)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (IOException ex)
        {
            throw new SampleStoreException(storePath, $"{FileName} cannot be read: {ex.Message}", ex);
        }

        try
        {
            using var document = JsonDocument.Parse(bytes);
            var root = document.RootElement;
            var version = root.GetProperty("formatVersion").GetInt32();
            if (version != FormatVersion)
            {
                throw new SampleStoreException(storePath, $"{FileName} says format version {version}; this software reads version {FormatVersion}. Update the device software.");
            }

            var dimension = root.GetProperty("featureDimension").GetInt32();
            var classes = root.GetProperty("classes").EnumerateArray().Select(e => e.GetString() ?? throw new FormatException("a class name is null")).ToArray();
            var source = root.TryGetProperty("featureSource", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
            return new SampleStoreSchema(dimension, classes, source);
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new SampleStoreException(storePath, $"{FileName} is damaged ({ex.Message}); the samples cannot be interpreted without it. Move the store directory aside to start a new one.", ex);
        }
    }

    public static string Describe(SampleStoreSchema schema)
    {
        var text = new StringBuilder();
        text.Append(schema.FeatureDimension).Append(" features, classes [").Append(string.Join(", ", schema.Classes)).Append(']');
        if (schema.FeatureSource is not null)
        {
            text.Append(", backbone ").Append(Sha256.Abbreviate(schema.FeatureSource));
        }

        return text.ToString();
    }
}
