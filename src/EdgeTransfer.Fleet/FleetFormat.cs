using System.Globalization;
using System.Text;
using System.Text.Json;
using EdgeTransfer.Mqtt.Client;
using EdgeTransfer.Mqtt.Commands;
using EdgeTransfer.Mqtt.Protocol;

namespace EdgeTransfer.Fleet;

/// <summary>
/// How the fleet tool prints: aligned tables for people, and one JSON document (or one JSON object per
/// line for <c>watch</c>) for scripts. Hand-written JSON with a stable key order and invariant numbers.
/// </summary>
public static partial class FleetFormat
{
    private static readonly JsonWriterOptions Compact = new() { Indented = false };
    private static readonly JsonWriterOptions Pretty = new() { Indented = true };

    /// <summary>The device table of <c>fleet list</c>.</summary>
    /// <param name="writer">Where to write.</param>
    /// <param name="devices">The devices.</param>
    /// <param name="now">This machine's time, for "last seen … ago".</param>
    public static void WriteDevices(TextWriter writer, IReadOnlyList<DeviceRecord> devices, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(devices);
        var rows = devices.Select(d => new[]
        {
            d.Device,
            d.State switch { DeviceState.Online => "online", DeviceState.Offline => "offline" + (d.Reason is { } r ? $" ({r})" : ""), _ => "unknown" },
            d.LastSeen is { } seen ? Ago(now - seen) : d.LastTs is { } ts ? Ago(now - ts) + " (status)" : "-",
            d.LastSeq.ToString(CultureInfo.InvariantCulture),
            d.Gaps?.ToString(CultureInfo.InvariantCulture) ?? "-",
            d.Versions?.Bundle ?? "-",
            d.Versions?.Head?.ToString(CultureInfo.InvariantCulture) ?? "-",
            d.Versions?.App ?? "-",
            d.Telemetry is { } t ? string.Create(CultureInfo.InvariantCulture, $"{t.Frames} frames, cpu {t.CpuPercent:0}%") : "-",
            d.Training ?? "-",
        }).ToList();
        WriteTable(writer, ["device", "state", "last seen", "seq", "gaps", "bundle", "head", "app", "telemetry", "training"], rows);
        var online = devices.Count(d => d.State == DeviceState.Online);
        writer.WriteLine($"{devices.Count} device(s): {online} online, {devices.Count(d => d.State == DeviceState.Offline)} offline, {devices.Count(d => d.State is null)} without status.");
    }

    /// <summary>The devices as one JSON document.</summary>
    /// <param name="fleet">The fleet id.</param>
    /// <param name="devices">The devices.</param>
    public static string DevicesJson(string fleet, IReadOnlyList<DeviceRecord> devices)
    {
        ArgumentNullException.ThrowIfNull(devices);
        return Write(Pretty, w =>
        {
            w.WriteStartObject();
            w.WriteString("fleet", fleet);
            w.WriteStartArray("devices");
            foreach (var d in devices)
            {
                w.WriteStartObject();
                w.WriteString("device", d.Device);
                WriteOptional(w, "state", d.State switch { DeviceState.Online => "online", DeviceState.Offline => "offline", _ => null });
                WriteOptional(w, "reason", d.Reason);
                WriteOptional(w, "lastSeen", d.LastSeen?.ToString("O", CultureInfo.InvariantCulture));
                WriteOptional(w, "lastTs", d.LastTs?.ToString("O", CultureInfo.InvariantCulture));
                w.WriteNumber("lastSeq", d.LastSeq);
                w.WriteNumber("messages", d.Messages);
                if (d.Gaps is { } gaps)
                {
                    w.WriteNumber("gaps", gaps);
                }

                if (d.Duplicates is { } duplicates)
                {
                    w.WriteNumber("duplicates", duplicates);
                }

                if (d.Versions is { } v)
                {
                    w.WritePropertyName("versions");
                    JsonSerializer.Serialize(w, v, ProtocolJson.InfoOf<DeviceVersions>());
                }

                WriteOptional(w, "executionProvider", d.ExecutionProvider);
                if (d.Telemetry is { } t)
                {
                    w.WritePropertyName("telemetry");
                    JsonSerializer.Serialize(w, t, ProtocolJson.InfoOf<TelemetryMessage>());
                }

                WriteOptional(w, "training", d.Training);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    /// <summary>One line of <c>fleet watch</c>: time, device, kind, seq and the payload (compact).</summary>
    /// <param name="message">The message.</param>
    /// <param name="received">When it arrived.</param>
    public static string WatchLine(ReceivedMessage message, DateTimeOffset received)
    {
        ArgumentNullException.ThrowIfNull(message);
        var topic = message.DeviceTopic;
        var kind = topic is { } t ? KindName(t) : message.Topic;
        var payload = Encoding.UTF8.GetString(message.Payload.Span);
        if (payload.Length > 400)
        {
            payload = payload[..397] + "…";
        }

        return $"{received.ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture)} {topic?.Device ?? "?",-20} {kind,-14}{(message.Retain ? " (retained)" : "")} {payload.ReplaceLineEndings(" ")}";
    }

    /// <summary>One JSON object per message for <c>fleet watch --json</c>: topic, device, kind, retained, received, payload.</summary>
    /// <param name="message">The message.</param>
    /// <param name="received">When it arrived.</param>
    public static string WatchJson(ReceivedMessage message, DateTimeOffset received)
    {
        ArgumentNullException.ThrowIfNull(message);
        return Write(Compact, w =>
        {
            w.WriteStartObject();
            w.WriteString("received", received.ToString("O", CultureInfo.InvariantCulture));
            w.WriteString("topic", message.Topic);
            WriteOptional(w, "device", message.DeviceTopic?.Device);
            WriteOptional(w, "kind", message.DeviceTopic is { } t ? KindName(t) : null);
            w.WriteBoolean("retained", message.Retain);
            try
            {
                using var document = JsonDocument.Parse(message.Payload);
                w.WritePropertyName("payload");
                document.RootElement.WriteTo(w);
            }
            catch (JsonException)
            {
                // Not JSON (someone else's client on our topics): show it, do not lose the line.
                w.WriteString("payloadText", Encoding.UTF8.GetString(message.Payload.Span));
            }

            w.WriteEndObject();
        });
    }

    /// <summary>One line per device of <c>fleet cmd</c> / <c>fleet rollback</c>.</summary>
    /// <param name="outcome">The outcome.</param>
    public static string OutcomeLine(CommandOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        var kind = outcome.Kind switch
        {
            CommandOutcomeKind.Ok => "ok",
            CommandOutcomeKind.Error => "ERROR",
            CommandOutcomeKind.TimedOut => "TIMEOUT",
            CommandOutcomeKind.Skipped => "skipped",
            _ => "FAILED",
        };
        var detail = outcome.Kind == CommandOutcomeKind.Ok
            ? outcome.Reply?.Result is { } result ? result.GetRawText() : "(no result)"
            : outcome.Message ?? "";
        return string.Create(CultureInfo.InvariantCulture, $"{outcome.Device,-20} {kind,-8} {outcome.ElapsedMs,7:0} ms  {detail}");
    }

    /// <summary>A summary line: how many devices answered how.</summary>
    /// <param name="outcomes">The outcomes.</param>
    public static string OutcomeSummary(IReadOnlyList<CommandOutcome> outcomes)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        int Count(CommandOutcomeKind k) => outcomes.Count(o => o.Kind == k);
        return $"{outcomes.Count} device(s): {Count(CommandOutcomeKind.Ok)} ok, {Count(CommandOutcomeKind.Error)} error, {Count(CommandOutcomeKind.TimedOut)} timed out, {Count(CommandOutcomeKind.Failed)} failed, {Count(CommandOutcomeKind.Skipped)} skipped (offline).";
    }

    /// <summary>The outcomes as one JSON document.</summary>
    /// <param name="command">The command name.</param>
    /// <param name="outcomes">The outcomes.</param>
    public static string OutcomesJson(string command, IReadOnlyList<CommandOutcome> outcomes)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        return Write(Pretty, w =>
        {
            w.WriteStartObject();
            w.WriteString("command", command);
            w.WriteBoolean("allOk", outcomes.All(o => o.Kind is CommandOutcomeKind.Ok or CommandOutcomeKind.Skipped));
            w.WriteStartArray("devices");
            foreach (var o in outcomes)
            {
                w.WriteStartObject();
                w.WriteString("device", o.Device);
                w.WriteString("outcome", o.Kind switch
                {
                    CommandOutcomeKind.Ok => "ok",
                    CommandOutcomeKind.Error => "error",
                    CommandOutcomeKind.TimedOut => "timeout",
                    CommandOutcomeKind.Skipped => "skipped",
                    _ => "failed",
                });
                w.WriteNumber("elapsedMs", Math.Round(o.ElapsedMs, 1));
                if (o.Reply is { } reply)
                {
                    w.WritePropertyName("reply");
                    JsonSerializer.Serialize(w, reply, ProtocolJson.InfoOf<CommandReplyMessage>());
                }

                WriteOptional(w, "message", o.Message);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    /// <summary>One line per device of <c>fleet deploy</c>.</summary>
    /// <param name="outcome">The outcome.</param>
    public static string DeploymentLine(DeploymentOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        var resumed = outcome.AlreadyHeld > 0 ? $", resumed with {outcome.AlreadyHeld} held" : "";
        var detail = outcome.Ok
            ? $"installed: {outcome.Outcome?.GetRawText() ?? "(no outcome)"}"
            : outcome.Error ?? "failed";
        return string.Create(CultureInfo.InvariantCulture, $"{outcome.Device,-20} {(outcome.Ok ? "ok" : "FAILED"),-7} {outcome.Sent}/{outcome.Chunks} chunks sent{resumed}, {outcome.Attempts} attempt(s), {outcome.Seconds:0.0} s  {detail}");
    }

    /// <summary>The deployment outcomes as one JSON document.</summary>
    /// <param name="source">The archive sent.</param>
    /// <param name="outcomes">The outcomes.</param>
    public static string DeploymentsJson(BundleSource source, IReadOnlyList<DeploymentOutcome> outcomes)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(outcomes);
        return Write(Pretty, w =>
        {
            w.WriteStartObject();
            w.WriteString("deploymentId", source.DeploymentId);
            w.WriteString("archive", source.ArchivePath);
            w.WriteBoolean("packed", source.Packed);
            w.WriteNumber("size", source.Size);
            w.WriteString("sha256", source.Sha256);
            w.WriteBoolean("allOk", outcomes.All(o => o.Ok));
            w.WriteStartArray("devices");
            foreach (var o in outcomes)
            {
                w.WriteStartObject();
                w.WriteString("device", o.Device);
                w.WriteBoolean("ok", o.Ok);
                w.WriteNumber("chunks", o.Chunks);
                w.WriteNumber("alreadyHeld", o.AlreadyHeld);
                w.WriteNumber("sent", o.Sent);
                w.WriteNumber("attempts", o.Attempts);
                w.WriteNumber("seconds", Math.Round(o.Seconds, 3));
                if (o.Outcome is { } outcome)
                {
                    w.WritePropertyName("outcome");
                    outcome.WriteTo(w);
                }

                WriteOptional(w, "error", o.Error);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    private static string KindName(DeviceTopic topic) => topic.Kind switch
    {
        TopicKind.Status => "status",
        TopicKind.Telemetry => "telemetry",
        TopicKind.Events => "events",
        TopicKind.Training => "training",
        TopicKind.Command => "cmd/" + topic.Name,
        _ => "reply/" + topic.Name,
    };

    private static string Ago(TimeSpan span) => span.TotalSeconds switch
    {
        < 0 => "now",
        < 120 => string.Create(CultureInfo.InvariantCulture, $"{span.TotalSeconds:0}s ago"),
        < 7200 => string.Create(CultureInfo.InvariantCulture, $"{span.TotalMinutes:0}m ago"),
        < 172800 => string.Create(CultureInfo.InvariantCulture, $"{span.TotalHours:0}h ago"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{span.TotalDays:0}d ago"),
    };

    private static void WriteTable(TextWriter writer, string[] headers, List<string[]> rows)
    {
        var widths = headers.Select((h, i) => Math.Max(h.Length, rows.Count == 0 ? 0 : rows.Max(r => r[i].Length))).ToArray();
        writer.WriteLine(string.Join("  ", headers.Select((h, i) => h.PadRight(widths[i]))).TrimEnd());
        foreach (var row in rows)
        {
            writer.WriteLine(string.Join("  ", row.Select((c, i) => c.PadRight(widths[i]))).TrimEnd());
        }
    }

    private static void WriteOptional(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }

    private static string Write(JsonWriterOptions options, Action<Utf8JsonWriter> write)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, options))
        {
            write(writer);
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
