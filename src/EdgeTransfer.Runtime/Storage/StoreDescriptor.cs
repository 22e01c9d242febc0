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
