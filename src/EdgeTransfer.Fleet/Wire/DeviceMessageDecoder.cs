using System.Text.Json;
using EdgeTransfer.Mqtt.Protocol;

namespace EdgeTransfer.Fleet.Wire;

/// <summary>
/// Reads what devices publish (docs/mqtt.md) for the host's viewers, the fleet view and the console alike: birth and
/// death on <c>status</c>, <c>telemetry</c>, <c>events</c>, and on <c>training</c> progress and results of training
/// runs and anomaly fits. Tolerant where a viewer must be (unknown keys are ignored, so a newer device still shows) and
/// strict where a value would mislead (wrong types, impossible values, a foreign schema); bounded in size and depth,
/// and its texts are safe to print. Never throws for what comes from the wire.
/// </summary>
public sealed class DeviceMessageDecoder
{
    /// <summary>The default payload limit: 256 KiB (an event with its patch map stays well below).</summary>
    public const int DefaultMaxPayloadBytes = 256 * 1024;

    private const int MaxEpochs = 1000;

    /// <summary>Creates a decoder.</summary>
    /// <param name="maxPayloadBytes">The largest payload read; larger ones are errors without being parsed.</param>
    public DeviceMessageDecoder(int maxPayloadBytes = DefaultMaxPayloadBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPayloadBytes, 64);
        MaxPayloadBytes = maxPayloadBytes;
    }

    /// <summary>The largest payload read.</summary>
    public int MaxPayloadBytes { get; }

    /// <summary>Reads one message of a device topic.</summary>
    /// <param name="topic">The parsed topic.</param>
    /// <param name="payload">The payload.</param>
    /// <returns>The message, or the reason it cannot be used (with the envelope when it could be read).</returns>
    public DecodedMessage Decode(DeviceTopic topic, ReadOnlyMemory<byte> payload)
    {
        var where = topic.Kind.ToString().ToLowerInvariant();
        using var document = WireFields.TryParse(payload, MaxPayloadBytes, out var parseError);
        if (document is null)
        {
            return new DecodedMessage { Topic = topic, Error = $"{where}: {parseError}" };
        }

        var fields = new WireFields(document.RootElement, where);
        var seq = fields.Whole("seq");
        var ts = ReadTs(document.RootElement);
        var envelope = new DecodedMessage { Topic = topic, Seq = seq, Ts = ts };
        if (!fields.SchemaIs(DeviceMessage.SchemaVersion))
        {
            return envelope with { Error = fields.Error };
        }

        DeviceMessage? message = topic.Kind switch
        {
            TopicKind.Status => ReadStatus(fields),
            TopicKind.Telemetry => ReadTelemetry(fields),
            TopicKind.Events => ReadEvent(fields),
            TopicKind.Training => ReadTraining(fields),
            _ => null,
        };
        return fields.Error is { } error
            ? envelope with { Error = error }
            : envelope with { Message = message is null ? null : message with { Seq = seq ?? 0, Ts = ts ?? default } };
    }

    private static DateTimeOffset? ReadTs(JsonElement root) =>
        // Lenient: a viewer orders by arrival; a device with a broken clock still shows.
        root.TryGetProperty("ts", out var value) && value.ValueKind == JsonValueKind.String && value.TryGetDateTimeOffset(out var ts) ? ts : null;

    private static StatusMessage? ReadStatus(WireFields fields)
    {
        var state = fields.Text("state", 16);
        var reason = fields.Text("reason", 64);
        var versions = fields.Nested("versions");
        DeviceVersions? read = versions is null ? null : new DeviceVersions
        {
            App = versions.Text("app", 64) ?? "",
            OnnxRuntime = versions.Text("onnxRuntime", 64),
            Bundle = versions.Text("bundle", 64),
            Head = versions.Whole("head"),
            Anomaly = versions.Text("anomaly", 16),
        };
        var provider = fields.Text("executionProvider", 32);
        if (versions?.Error is { } nested)
        {
            fields.Fail(nested);
        }

        if (fields.Error is null && state is not ("online" or "offline"))
        {
            fields.Fail($"status: state {(state is null ? "is missing" : $"\"{state}\" is not online or offline")}");
        }

        return fields.Error is not null ? null : new StatusMessage
        {
            State = state == "online" ? DeviceState.Online : DeviceState.Offline,
            Reason = reason,
            Versions = read,
            ExecutionProvider = provider,
        };
    }

    private static TelemetryMessage? ReadTelemetry(WireFields fields)
    {
        var latency = fields.Nested("latencyMs");
        var message = new TelemetryMessage
        {
            UptimeSeconds = fields.Number("uptimeSeconds") ?? 0,
            Frames = fields.Whole("frames") ?? 0,
            Verdicts = fields.Counts("verdicts") ?? [],
            Rejected = fields.Whole("rejected") ?? 0,
            LatencyMs = latency is null ? null : new LatencyPercentiles
            {
                P50 = latency.Number("p50") ?? 0,
                P95 = latency.Number("p95") ?? 0,
                P99 = latency.Number("p99") ?? 0,
            },
            CpuPercent = fields.Number("cpuPercent") ?? 0,
            RssBytes = fields.Whole("rssBytes") ?? 0,
            StoreSamples = fields.Whole("storeSamples") ?? 0,
            StoreBytes = fields.Whole("storeBytes") ?? 0,
            OutboxMessages = fields.Whole("outboxMessages") ?? 0,
            OutboxDropped = fields.Whole("outboxDropped") ?? 0,
            AnomalyModel = fields.Text("anomalyModel", 16),
            AnomalyThreshold = fields.Number("anomalyThreshold"),
        };
        if (latency?.Error is { } nested)
        {
            fields.Fail(nested);
        }

        return fields.Error is null ? message : null;
    }

    private static InspectionEvent? ReadEvent(WireFields fields)
    {
        var frame = fields.Whole("frameId");
        var verdict = fields.Text("verdict", 64);
        var message = new InspectionEvent
        {
            Confidence = fields.Number("confidence") ?? 0,
            Rejected = fields.Flag("rejected") ?? false,
            LatencyMs = fields.Number("latencyMs") ?? 0,
            HeadVersion = fields.Whole("headVersion"),
            AnomalyScore = fields.Number("anomalyScore"),
            AnomalyThreshold = fields.Number("anomalyThreshold"),
            AnomalyModel = fields.Text("anomalyModel", 16),
        };
        if (fields.Error is null && (frame is null || verdict is null))
        {
            fields.Fail($"events: {(frame is null ? "frameId" : "verdict")} is missing");
        }

        // The patch map is left out: viewers draw the one a preview reply brings.
        return fields.Error is null ? message with { FrameId = frame!.Value, Verdict = verdict! } : null;
    }

    private static DeviceMessage? ReadTraining(WireFields fields)
    {
        var type = fields.Text("type", 16);
        var runId = fields.Text("runId", 64);
        if (fields.Error is null && (type is not ("progress" or "result" or "fit-progress" or "fit-result") || runId is null))
        {
            fields.Fail(runId is null ? "training: runId is missing" : $"training: type {(type is null ? "is missing" : $"\"{type}\" is not progress, result, fit-progress or fit-result")}");
        }

        if (fields.Error is not null)
        {
            return null;
        }

        return type switch
        {
            "progress" => ReadProgress(fields, runId!),
            "result" => ReadResult(fields, runId!),
            "fit-progress" => ReadFitProgress(fields, runId!),
            _ => ReadFitResult(fields, runId!),
        };
    }

    private static TrainingProgressMessage? ReadProgress(WireFields fields, string runId)
    {
        var epoch = fields.Whole("epoch");
        var epochs = fields.Whole("epochs");
        var loss = fields.Number("loss");
        var accuracy = fields.Number("accuracy");
        if (fields.Error is null && (epoch is not (>= 1 and <= MaxEpochs) || epochs is not (>= 1 and <= MaxEpochs)))
        {
            fields.Fail("training: epoch and epochs must be whole numbers from 1 to 1000");
        }

        return fields.Error is not null ? null : new TrainingProgressMessage { RunId = runId, Epoch = (int)epoch!.Value, Epochs = (int)epochs!.Value, Loss = loss ?? double.NaN, Accuracy = accuracy };
    }

    private static TrainingResult? ReadResult(WireFields fields, string runId)
    {
        var outcome = ReadOutcome(fields);
        var message = new TrainingResult
        {
            RunId = runId,
            HeadVersion = fields.Whole("headVersion"),
            Accuracy = fields.Number("accuracy"),
            Loss = fields.Number("loss"),
            DurationSeconds = fields.Number("durationSeconds") ?? 0,
            Reason = fields.Text("reason"),
        };
        return fields.Error is null ? message with { Outcome = outcome!.Value } : null;
    }

    private static FitProgress? ReadFitProgress(WireFields fields, string runId)
    {
        var message = new FitProgress
        {
            RunId = runId,
            Stage = fields.Text("stage", 32) ?? "",
            Done = Count(fields, "done") ?? 0,
            Total = Count(fields, "total") ?? 0,
        };
        return fields.Error is null ? message : null;
    }

    private static FitResult? ReadFitResult(WireFields fields, string runId)
    {
        var outcome = ReadOutcome(fields);
        var message = new FitResult
        {
            RunId = runId,
            AnomalyModel = fields.Text("anomalyModel", 16),
            GoodImages = Count(fields, "goodImages"),
            DefectImages = Count(fields, "defectImages"),
            BankPatches = Count(fields, "bankPatches"),
            BankBytes = fields.Whole("bankBytes"),
            Threshold = fields.Number("threshold"),
            HeldOutFalseRejectRate = fields.Number("heldOutFalseRejectRate"),
            ImageAuroc = fields.Number("imageAuroc"),
            DurationSeconds = fields.Number("durationSeconds") ?? 0,
            Reason = fields.Text("reason"),
        };
        return fields.Error is null ? message with { Outcome = outcome!.Value } : null;
    }

    private static int? Count(WireFields fields, string name) =>
        fields.Whole(name) is { } count ? (int)Math.Clamp(count, 0, int.MaxValue) : null;

    private static PromotionOutcome? ReadOutcome(WireFields fields)
    {
        var outcome = fields.Text("outcome", 16);
        PromotionOutcome? read = outcome switch
        {
            "promoted" => PromotionOutcome.Promoted,
            "rejected" => PromotionOutcome.Rejected,
            "failed" => PromotionOutcome.Failed,
            _ => null,
        };
        if (fields.Error is null && read is null)
        {
            fields.Fail($"training: outcome {(outcome is null ? "is missing" : $"\"{outcome}\" is not promoted, rejected or failed")}");
        }

        return read;
    }
}
