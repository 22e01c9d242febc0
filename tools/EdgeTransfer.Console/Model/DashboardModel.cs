using System.Text.Json;
using EdgeTransfer.Fleet.Wire;
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
    public const int MaxPayloadBytes = DeviceMessageDecoder.DefaultMaxPayloadBytes;

    /// <summary>How far back the inspection stream and its sparklines go.</summary>
    public static readonly TimeSpan EventWindow = TimeSpan.FromMinutes(1);

    private const int MaxListed = 8;
    private const int MaxOtherDevices = 10_000;

    private readonly Lock _lock = new();
    private readonly DeviceMessageDecoder _decoder = new(MaxPayloadBytes);
    private readonly TimeProvider _time;
    private readonly string _broker;
    private readonly string _fleet;
    private readonly bool _classesFixed;
    private readonly EventStream _events = new();
    private readonly TrainingRun _training = new();
    private readonly HashSet<string> _others = new(StringComparer.Ordinal);
    private readonly List<ReplyRecord> _replies = [];
    private readonly List<ProblemRecord> _problems = [];
    private readonly List<string> _pending = [];
    private List<string> _classes;
    private Dictionary<string, long> _samples = new(StringComparer.Ordinal);
    private DeviceView? _device;
    private TelemetryView? _telemetry;
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
                var preview = ReplyReader.ReadPreview(reply.Result, now);
                if (preview.Error is { } bad)
                {
                    Bad(bad);
                }

                _preview = preview.Frame ?? _preview;
                _previewNote = preview.Note;
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
                ApplyResult(ReplyReader.ReadResult(result, command.Name));
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
                Events = _events.Snapshot(now),
                Training = _training.Snapshot(),
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

        var decoded = _decoder.Decode(parsed, payload);
        if (decoded.Error is { } error)
        {
            Bad(error);
            return;
        }

        var now = _time.GetUtcNow();
        switch (decoded.Message)
        {
            case StatusMessage status:
                AcceptStatus(status, now);
                break;
            case TelemetryMessage telemetry:
                _telemetry = TelemetryView.Of(telemetry);
                break;
            case InspectionEvent inspection:
                _anomalyScored |= _events.Add(inspection, now) && inspection.AnomalyScore is not null;
                break;
            case TrainingProgressMessage progress:
                _training.Progress(progress);
                break;
            case TrainingResult result:
                AcceptResult(result, now);
                break;
            default:
                // Anomaly fits: the console shows them through the status reply's anomaly model, not as a run.
                break;
        }

        Heard(now);
    }

    private void AcceptStatus(StatusMessage status, DateTimeOffset now)
    {
        var device = _device!;
        var online = status.State == DeviceState.Online;
        if (!online && device.Online != false)
        {
            Add(_problems, new ProblemRecord(now, $"device {device.Id} went offline ({status.Reason ?? "no reason given"})"));
        }

        _device = device.With(status, now);
    }

    private void AcceptResult(TrainingResult result, DateTimeOffset now)
    {
        var outcome = _training.Result(result);
        if (result.Outcome == PromotionOutcome.Promoted && result.HeadVersion is not null && _device is not null)
        {
            _device = _device with { Head = result.HeadVersion };
        }

        if (result.Outcome != PromotionOutcome.Promoted)
        {
            Add(_problems, new ProblemRecord(now, $"training {result.RunId} {outcome}: {result.Reason ?? "no reason given"}"));
        }
    }

    private void ApplyResult(ReplyFacts facts)
    {
        if (facts.Classes is { } classes && !_classesFixed)
        {
            _classes = [.. classes];
        }

        if (facts.Samples is { } samples)
        {
            _samples = samples;
        }

        if (_device is not null)
        {
            if (facts.Paused is { } paused)
            {
                _device = _device with { Paused = paused };
            }

            if (facts.HeadVersion is { } head)
            {
                _device = _device with { Head = head };
            }

            if (facts.SetsCollecting)
            {
                // In a status reply an absent or null "collecting" means the device is not collecting.
                _device = _device with { CollectingLabel = facts.Collecting };
            }

            _confusion = facts.Confusion ?? _confusion;
        }

        if (facts.Error is { } error)
        {
            Bad(error);
        }
    }
}
