using System.Globalization;
using System.Text.Json;
using EdgeTransfer.LineConsole.Input;
using EdgeTransfer.LineConsole.Wire;
using EdgeTransfer.Mqtt.Commands;
using EdgeTransfer.Mqtt.Protocol;

namespace EdgeTransfer.LineConsole.Model;

/// <summary>
/// The dashboard's state, fed by MQTT messages and command replies from any thread and read as a
/// <see cref="DashboardSnapshot"/> by the renderer. Nothing from the wire can make it throw: a message it
/// cannot use is counted in <see cref="DashboardSnapshot.BadMessages"/> with the reason, and ignored.
/// </summary>
public sealed class DashboardModel
{
    /// <summary>The largest message the console reads (a 96 × 96 preview in base64 is 37 KB).</summary>
    public const int MaxPayloadBytes = 256 * 1024;

    /// <summary>How far back the inspection stream and its sparklines go.</summary>
    public static readonly TimeSpan EventWindow = TimeSpan.FromMinutes(1);

    private const int MaxEvents = 4096;
    private const int MaxListed = 8;
    private const int MaxOtherDevices = 10_000;
    private const int MaxEpochs = 1000;
    private const int MaxPreviewSide = 96;

    private readonly Lock _lock = new();
    private readonly TimeProvider _time;
    private readonly string _broker;
    private readonly string _fleet;
    private readonly bool _classesFixed;
    private readonly Queue<InspectionRecord> _events = new();
    private readonly HashSet<long> _eventFrames = [];
    private readonly HashSet<string> _others = new(StringComparer.Ordinal);
    private readonly List<ReplyRecord> _replies = [];
    private readonly List<ProblemRecord> _problems = [];
    private readonly List<string> _pending = [];
    private readonly List<double?> _losses = [];
    private readonly List<double?> _accuracies = [];
    private List<string> _classes;
    private Dictionary<string, long> _samples = new(StringComparer.Ordinal);
    private DeviceView? _device;
    private TelemetryView? _telemetry;
    private TrainingView? _training;
    private ConfusionView? _confusion;
    private PreviewFrame? _preview;
    private bool _anomalyScored;
    private string? _previewNote = "no preview yet";
    private string? _selectedClass;
    private string? _brokerProblem;
    private string? _lastBad;
    private string? _hint;
    private long _bad;
    private bool _connected;
    private bool _help;

    /// <summary>Creates an empty model.</summary>
    /// <param name="broker">The broker as <c>host:port</c>, for the header.</param>
    /// <param name="fleet">The fleet id; messages of other fleets are bad messages.</param>
    /// <param name="device">The device to watch, or null to watch the first one heard from.</param>
    /// <param name="classes">The class order for keys 1…9, or null to take it from the device.</param>
    /// <param name="timeProvider">The clock, or null for the system clock.</param>
    public DashboardModel(string broker, string fleet, string? device = null, IReadOnlyList<string>? classes = null, TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(broker);
        _broker = broker;
        _fleet = ProtocolIds.RequireId(fleet, "--fleet");
        _time = timeProvider ?? TimeProvider.System;
        if (device is not null)
        {
            _device = new DeviceView { Id = ProtocolIds.RequireId(device, "--device") };
        }

        _classesFixed = classes is { Count: > 0 };
        _classes = classes is null ? [] : [.. classes];
    }

    /// <summary>The device watched, or null while none has been heard from.</summary>
    public string? DeviceId
    {
        get
        {
            lock (_lock)
            {
                return _device?.Id;
            }
        }
    }

    /// <summary>
    /// Whether previews should ask for the anomaly map: the device scores frames (its events carry an anomaly score, or
    /// its status names an anomaly model). A device that does not would refuse the field of an older protocol.
    /// </summary>
    public bool WantsAnomalyMap
    {
        get
        {
            lock (_lock)
            {
                return _anomalyScored || _device?.AnomalyModel is not null;
            }
        }
    }

    /// <summary>Takes one message of a subscription. Never throws for bad data; counts it.</summary>
    /// <param name="topic">The topic name.</param>
    /// <param name="payload">The payload.</param>
    public void Accept(string topic, ReadOnlyMemory<byte> payload)
    {
        lock (_lock)
        {
            try
            {
                AcceptLocked(topic, payload);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // The readers check kinds and ranges before reading, so this would be a gap in them: the
                // message is counted like any other bad one and the console stays up.
                Bad($"{Shorten(topic)}: {ex.Message}");
            }
        }
    }

    /// <summary>Notes that <paramref name="command"/> was sent and waits for its reply.</summary>
    /// <param name="command">The command.</param>
    public void CommandSent(ConsoleCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (command.Background)
        {
            return;
        }

        lock (_lock)
        {
            _pending.Add(command.Summary);
            _hint = null;
        }
    }

    /// <summary>Takes the reply to a command the console sent.</summary>
    /// <param name="command">The command.</param>
    /// <param name="reply">Its reply.</param>
    public void AcceptReply(ConsoleCommand command, CommandReplyMessage reply)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(reply);
        lock (_lock)
        {
            if (!command.Background)
            {
                _pending.Remove(command.Summary);
            }

            var now = _time.GetUtcNow();
            Heard(now);
            if (!reply.Ok)
            {
                var code = WireFields.Display(WireFields.Shorten(reply.Error?.Code ?? "error", 40));
                var message = WireFields.Display(WireFields.Shorten(reply.Error?.Message ?? "the device gave no reason", 300));
                if (command.Name == "preview")
                {
                    _preview = null;
                    _previewNote = code == CommandErrorCodes.UnknownCommand
                        ? "no preview: this device has no preview command"
                        : $"no preview: {code}: {message}";
                    return;
                }

                Add(_replies, new ReplyRecord(now, command.Summary, false, $"{code}: {message}"));
                Add(_problems, new ProblemRecord(now, $"{command.Summary} refused: {code}: {message}"));
                return;
            }

            if (command.Name == "preview")
            {
                AcceptPreview(reply.Result, now);
                return;
            }

            if (command.Paused is { } paused && _device is not null)
            {
                _device = _device with { Paused = paused };
            }

            if (command.Collect is { } collect && _device is not null)
            {
                _device = _device with { CollectingLabel = collect == CollectAction.Start ? command.Label : null };
            }

            var summary = "ok";
            if (reply.Result is { ValueKind: JsonValueKind.Object } result)
            {
                var fields = new WireFields(result, $"reply/{command.Name}");
                ApplyResult(fields, command.Name);
                if (fields.Error is { } error)
                {
                    Bad(error);
                }

                summary = "ok " + Brief(result);
            }

            if (!command.Background)
            {
                Add(_replies, new ReplyRecord(now, command.Summary, true, summary));
            }
        }
    }

    /// <summary>Notes that a command got no reply (timeout, broker down, a reply that was not a reply).</summary>
    /// <param name="command">The command.</param>
    /// <param name="reason">What went wrong, as a sentence.</param>
    /// <param name="badReply">True when a reply came but was not valid (it is counted as a bad message too).</param>
    public void CommandFailed(ConsoleCommand command, string reason, bool badReply = false)
    {
        ArgumentNullException.ThrowIfNull(command);
        lock (_lock)
        {
            var now = _time.GetUtcNow();
            var text = WireFields.Display(WireFields.Shorten(reason, 300));
            if (badReply)
            {
                Bad($"reply/{command.Name}: {text}");
            }

            if (command.Name == "preview")
            {
                _previewNote = "no preview: " + text;
                return;
            }

            if (command.Background)
            {
                // A status poll that times out says the device is busy or gone; one line, not one per poll.
                if (_problems.Count == 0 || _problems[0].Text != text)
                {
                    Add(_problems, new ProblemRecord(now, text));
                }

                return;
            }

            _pending.Remove(command.Summary);
            Add(_replies, new ReplyRecord(now, command.Summary, false, text));
            Add(_problems, new ProblemRecord(now, $"{command.Summary}: {text}"));
        }
    }

    /// <summary>Sets the broker connection state shown in the header.</summary>
    /// <param name="connected">Whether the connection is up.</param>
    /// <param name="problem">Why not, or null.</param>
    public void SetBroker(bool connected, string? problem)
    {
        lock (_lock)
        {
            if (problem is not null && problem != _brokerProblem)
            {
                Add(_problems, new ProblemRecord(_time.GetUtcNow(), problem));
            }

            _connected = connected;
            _brokerProblem = connected ? null : problem;
        }
    }

    /// <summary>Chooses the class that <c>c</c> collects.</summary>
    /// <param name="name">A class name.</param>
    public void SelectClass(string name)
    {
        lock (_lock)
        {
            _selectedClass = name;
        }
    }

    /// <summary>Shows a one-line message about the last key (null clears it).</summary>
    /// <param name="text">The message.</param>
    public void SetHint(string? text)
    {
        lock (_lock)
        {
            _hint = text;
        }
    }

    /// <summary>Shows or hides the key help.</summary>
    public void ToggleHelp()
    {
        lock (_lock)
        {
            _help = !_help;
        }
    }

    /// <summary>Copies the state for rendering.</summary>
    public DashboardSnapshot Snapshot()
    {
        lock (_lock)
        {
            var now = _time.GetUtcNow();
            Prune(now);
            return new DashboardSnapshot
            {
                Now = now,
                Broker = _broker,
                BrokerConnected = _connected,
                BrokerProblem = _brokerProblem,
                Fleet = _fleet,
                Device = _device,
                OtherDevices = _others.Count,
                Classes = [.. EffectiveClasses()],
                SelectedClass = _selectedClass,
                SampleCounts = new Dictionary<string, long>(_samples, StringComparer.Ordinal),
                Telemetry = _telemetry,
                Events = [.. _events.Reverse()],
                Training = _training is null ? null : _training with
                {
                    Losses = [.. _losses.OfType<double>()],
                    Accuracies = [.. _accuracies.OfType<double>()],
                },
                Confusion = _confusion,
                Preview = _preview,
                PreviewNote = _previewNote,
                Replies = [.. _replies],
                Pending = [.. _pending],
                Problems = [.. _problems],
                BadMessages = _bad,
                LastBadMessage = _lastBad,
                Hint = _hint,
                ShowHelp = _help,
            };
        }
    }

    private static string Shorten(string text) => WireFields.Display(WireFields.Shorten(text, 120));

    private static void Add<T>(List<T> list, T item)
    {
        list.Insert(0, item);
        if (list.Count > MaxListed)
        {
            list.RemoveAt(list.Count - 1);
        }
    }

    private static string Brief(JsonElement result)
    {
        // Compact JSON of the result: the technician sees what the device said without a schema per command.
        var text = result.GetRawText();
        return WireFields.Display(WireFields.Shorten(text.Length > 400 ? text[..400] : text, 90));
    }

    private IEnumerable<string> EffectiveClasses()
    {
        if (_classes.Count > 0)
        {
            return _classes;
        }

        // Until the device names its classes, the ones seen so far, in a stable order.
        return _samples.Keys.Concat(_telemetry?.Verdicts.Keys ?? []).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).Take(9);
    }

    private void Bad(string reason)
    {
        _bad++;
        _lastBad = reason;
    }

    private void Heard(DateTimeOffset now)
    {
        if (_device is not null)
        {
            _device = _device with { LastHeard = now };
        }
    }

    private void Prune(DateTimeOffset now)
    {
        while (_events.Count > 0 && (_events.Count > MaxEvents || now - _events.Peek().ReceivedAt > EventWindow))
        {
            _eventFrames.Remove(_events.Dequeue().FrameId);
        }
    }

    private void AcceptLocked(string topic, ReadOnlyMemory<byte> payload)
    {
        if (!DeviceTopic.TryParse(topic, out var parsed) || parsed.Fleet != _fleet)
        {
            Bad($"{Shorten(topic)}: not a topic of fleet {_fleet} in protocol v1");
            return;
        }

        if (parsed.Kind is TopicKind.Command or TopicKind.Reply)
        {
            // Other consoles' commands and the replies to them: not ours to show.
            return;
        }

        if (_device is null)
        {
            _device = new DeviceView { Id = parsed.Device };
        }
        else if (parsed.Device != _device.Id)
        {
            if (_others.Count < MaxOtherDevices)
            {
                _others.Add(parsed.Device);
            }

            return;
        }

        var where = parsed.Kind.ToString().ToLowerInvariant();
        using var document = WireFields.TryParse(payload, MaxPayloadBytes, out var parseError);
        if (document is null)
        {
            Bad($"{where}: {parseError}");
            return;
        }

        var fields = new WireFields(document.RootElement, where);
        if (!fields.SchemaIs(DeviceMessage.SchemaVersion))
        {
            Bad(fields.Error!);
            return;
        }

        var now = _time.GetUtcNow();
        switch (parsed.Kind)
        {
            case TopicKind.Status:
                AcceptStatus(fields, now);
                break;
            case TopicKind.Telemetry:
                AcceptTelemetry(fields);
                break;
            case TopicKind.Events:
                AcceptEvent(fields, now);
                break;
            default:
                AcceptTraining(fields, now);
                break;
        }

        if (fields.Error is { } error)
        {
            Bad(error);
            return;
        }

        Heard(now);
    }

    private void AcceptStatus(WireFields fields, DateTimeOffset now)
    {
        var state = fields.Text("state", 16);
        var reason = fields.Text("reason", 64);
        var versions = fields.Object("versions");
        var app = versions?.Text("app", 64);
        var ort = versions?.Text("onnxRuntime", 64);
        var bundle = versions?.Text("bundle", 64);
        var head = versions?.Whole("head");
        var anomaly = versions?.Text("anomaly", 16);
        var provider = fields.Text("executionProvider", 32);
        if (versions?.Error is { } nested)
        {
            fields.Fail(nested);
        }

        if (fields.Error is null && state is not ("online" or "offline"))
        {
            fields.Fail($"status: state {(state is null ? "is missing" : $"\"{state}\" is not online or offline")}");
        }

        if (fields.Error is not null)
        {
            return;
        }

        var device = _device!;
        var online = state == "online";
        if (!online && device.Online != false)
        {
            Add(_problems, new ProblemRecord(now, $"device {device.Id} went offline ({reason ?? "no reason given"})"));
        }

        _device = online
            ? device with { Online = true, OfflineReason = null, StateSince = device.Online == true ? device.StateSince : now, App = app, OnnxRuntime = ort, Bundle = bundle, Head = head, ExecutionProvider = provider, AnomalyModel = anomaly }
            : device with { Online = false, OfflineReason = reason, StateSince = device.Online == false ? device.StateSince : now };
    }

    private void AcceptTelemetry(WireFields fields)
    {
        var latency = fields.Object("latencyMs");
        var view = new TelemetryView
        {
            UptimeSeconds = fields.Number("uptimeSeconds") ?? 0,
            Frames = fields.Whole("frames") ?? 0,
            Rejected = fields.Whole("rejected") ?? 0,
            Verdicts = fields.Counts("verdicts") ?? [],
            LatencyP50 = latency?.Number("p50"),
            LatencyP95 = latency?.Number("p95"),
            CpuPercent = fields.Number("cpuPercent") ?? 0,
            StoreSamples = fields.Whole("storeSamples") ?? 0,
        };
        if (latency?.Error is { } nested)
        {
            fields.Fail(nested);
        }

        if (fields.Error is null)
        {
            _telemetry = view;
        }
    }

    private void AcceptEvent(WireFields fields, DateTimeOffset now)
    {
        var frame = fields.Whole("frameId");
        var verdict = fields.Text("verdict", 64);
        var confidence = fields.Number("confidence");
        var rejected = fields.Flag("rejected");
        var latency = fields.Number("latencyMs");
        var anomaly = fields.Number("anomalyScore");
        if (fields.Error is null && (frame is null || verdict is null))
        {
            fields.Fail($"events: {(frame is null ? "frameId" : "verdict")} is missing");
        }

        if (fields.Error is not null || !_eventFrames.Add(frame!.Value))
        {
            // QoS 1 is at least once (MQTT 5 §4.3.2): a frame seen already is a redelivery.
            return;
        }

        _events.Enqueue(new InspectionRecord(frame.Value, verdict!, Math.Clamp(confidence ?? 0, 0, 1), rejected ?? false, Math.Max(0, latency ?? 0), now, anomaly is { } a ? Math.Clamp(a, 0, 1) : null));
        _anomalyScored |= anomaly is not null;
        Prune(now);
    }

    private void AcceptTraining(WireFields fields, DateTimeOffset now)
    {
        var type = fields.Text("type", 16);
        var runId = fields.Text("runId", 64);
        if (fields.Error is null && (type is not ("progress" or "result") || runId is null))
        {
            fields.Fail(runId is null ? "training: runId is missing" : $"training: type {(type is null ? "is missing" : $"\"{type}\" is not progress or result")}");
        }

        if (fields.Error is not null)
        {
            return;
        }

        if (type == "progress")
        {
            var epoch = fields.Whole("epoch");
            var epochs = fields.Whole("epochs");
            var loss = fields.Number("loss");
            var accuracy = fields.Number("accuracy");
            if (fields.Error is null && (epoch is not (>= 1 and <= MaxEpochs) || epochs is not (>= 1 and <= MaxEpochs)))
            {
                fields.Fail("training: epoch and epochs must be whole numbers from 1 to 1000");
            }

            if (fields.Error is not null)
            {
                return;
            }

            StartRunIfNew(runId!);
            SetAt(_losses, (int)epoch!.Value, loss);
            SetAt(_accuracies, (int)epoch.Value, accuracy);
            _training = _training! with { Epoch = Math.Max(_training.Epoch, (int)epoch.Value), Epochs = (int)epochs!.Value };
            return;
        }

        var outcome = fields.Text("outcome", 16);
        var head = fields.Whole("headVersion");
        var resultAccuracy = fields.Number("accuracy");
        var resultLoss = fields.Number("loss");
        var duration = fields.Number("durationSeconds");
        var reason = fields.Text("reason");
        if (fields.Error is null && outcome is not ("promoted" or "rejected" or "failed"))
        {
            fields.Fail($"training: outcome {(outcome is null ? "is missing" : $"\"{outcome}\" is not promoted, rejected or failed")}");
        }

        if (fields.Error is not null)
        {
            return;
        }

        StartRunIfNew(runId!);
        _training = _training! with { Result = new TrainingOutcomeView(outcome!, head, resultAccuracy, resultLoss, duration ?? 0, reason) };
        if (outcome == "promoted" && head is not null && _device is not null)
        {
            _device = _device with { Head = head };
        }

        if (outcome != "promoted")
        {
            Add(_problems, new ProblemRecord(now, $"training {runId} {outcome}: {reason ?? "no reason given"}"));
        }
    }

    private void StartRunIfNew(string runId)
    {
        if (_training?.RunId == runId)
        {
            return;
        }

        _training = new TrainingView { RunId = runId };
        _losses.Clear();
        _accuracies.Clear();
    }

    private static void SetAt(List<double?> values, int epoch, double? value)
    {
        while (values.Count < epoch)
        {
            values.Add(null);
        }

        // Set, not append: a redelivered epoch replaces itself.
        values[epoch - 1] = value;
    }

    private void ApplyResult(WireFields fields, string command)
    {
        // The result shapes are the agent's (src/EdgeTransfer.Agent/Replies, docs/console.md): a status
        // reply carries classes, storeByClass, collecting, head, inspection and config; a config reply the
        // settings in effect; a rollback reply the head in service.
        if (fields.Texts("classes", 64) is { } classes && !_classesFixed)
        {
            _classes = classes;
        }

        if (fields.Counts("storeByClass") is { } samples)
        {
            _samples = samples;
        }

        var inspection = fields.Object("inspection");
        var config = fields.Object("config");
        var head = fields.Object("head");
        var paused = fields.Flag("inspectionPaused") ?? inspection?.Flag("paused") ?? config?.Flag("inspectionPaused");
        var headVersion = command == "status" ? head?.Whole("version") : command == "rollback" ? fields.Whole("headVersion") : null;
        var collecting = command == "status" ? fields.Text("collecting", 64) : null;
        foreach (var nested in new[] { inspection, config, head })
        {
            if (nested?.Error is { } error)
            {
                fields.Fail(error);
            }
        }

        if (fields.Error is not null || _device is null)
        {
            return;
        }

        if (paused is { } p)
        {
            _device = _device with { Paused = p };
        }

        if (headVersion is { } h)
        {
            _device = _device with { Head = h };
        }

        if (command == "status")
        {
            // In a status reply an absent or null "collecting" means the device is not collecting.
            _device = _device with { CollectingLabel = collecting };
        }

        if (fields.Object("validation") is { } validation)
        {
            ApplyValidation(validation);
            if (validation.Error is { } error)
            {
                fields.Fail(error);
            }
        }
    }

    private void ApplyValidation(WireFields validation)
    {
        var classes = validation.Texts("classes", 32);
        var matrix = validation.Array("matrix", 32);
        if (validation.Error is not null || classes is null || matrix is null)
        {
            validation.Fail("validation: expected classes (names) and matrix (rows of counts)");
            return;
        }

        var rows = new List<IReadOnlyList<long>>();
        foreach (var row in matrix.Value.EnumerateArray())
        {
            if (row.ValueKind != JsonValueKind.Array || row.GetArrayLength() != classes.Count)
            {
                validation.Fail("validation: every matrix row must have one count per class");
                return;
            }

            var counts = new List<long>();
            foreach (var cell in row.EnumerateArray())
            {
                if (cell.ValueKind != JsonValueKind.Number || !cell.TryGetInt64(out var count) || count < 0)
                {
                    validation.Fail("validation: matrix cells must be whole numbers of 0 or more");
                    return;
                }

                counts.Add(count);
            }

            rows.Add(counts);
        }

        if (rows.Count != classes.Count)
        {
            validation.Fail(string.Create(CultureInfo.InvariantCulture, $"validation: {rows.Count} matrix rows for {classes.Count} classes"));
            return;
        }

        _confusion = new ConfusionView(classes, rows);
    }

    private void AcceptPreview(JsonElement? result, DateTimeOffset now)
    {
        if (result is not { ValueKind: JsonValueKind.Object } element)
        {
            Bad("reply/preview: no result object");
            _previewNote = "no preview: the device's reply had no image";
            return;
        }

        var fields = new WireFields(element, "reply/preview");
        var frame = fields.Whole("frameId") ?? -1;
        var width = fields.Whole("width");
        var height = fields.Whole("height");
        var format = fields.Text("format", 16);
        var data = fields.Text("data", 4 * ((MaxPreviewSide * MaxPreviewSide * 3 + 2) / 3));
        var map = AnomalyMapView.Read(fields.Object("anomalyMap"), fields);
        if (fields.Error is null && (width is not (>= 1 and <= MaxPreviewSide) || height is not (>= 1 and <= MaxPreviewSide) || format != "rgb24" || data is null))
        {
            fields.Fail($"reply/preview: expected width and height 1–{MaxPreviewSide}, format \"rgb24\" and data");
        }

        byte[]? rgb = null;
        if (fields.Error is null)
        {
            rgb = new byte[width!.Value * height!.Value * 3];
            if (!Convert.TryFromBase64String(data!, rgb, out var written) || written != rgb.Length)
            {
                fields.Fail(string.Create(CultureInfo.InvariantCulture, $"reply/preview: data is not base64 of {rgb.Length} bytes ({width}×{height}×3)"));
            }
        }

        if (fields.Error is { } error)
        {
            Bad(error);
            _previewNote = "no preview: the device sent an image the console cannot read";
            return;
        }

        _preview = new PreviewFrame(frame, (int)width!.Value, (int)height!.Value, rgb, now, map);
        _previewNote = null;
    }
}
