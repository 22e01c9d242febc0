using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace EdgeTransfer.Artifacts.Json;

/// <summary>Writes times as UTC ISO 8601 with a 'Z' and whole seconds ("2026-11-26T03:15:00Z"), the form people and logs compare.</summary>
internal sealed class UtcTimestampConverter : JsonConverter<DateTimeOffset>
{
    private const string Format = "yyyy-MM-dd'T'HH:mm:ss'Z'";

    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.GetDateTimeOffset().ToUniversalTime();

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(value.ToUniversalTime().ToString(Format, CultureInfo.InvariantCulture));
    }
}
