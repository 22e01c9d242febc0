using System.Globalization;
using EdgeTransfer.Fleet.Wire;
using EdgeTransfer.Mqtt.Client;
using EdgeTransfer.Mqtt.Protocol;

namespace EdgeTransfer.Fleet;

/// <summary>
/// The fleet as one consumer sees it: every device that announced itself (retained <c>status</c>) or sent
/// anything, online or offline, when it was last seen, what it runs, its newest telemetry and training,
/// and its <c>seq</c> gaps and duplicates. Thread-safe: MQTTnet delivers on its own task.
/// </summary>
/// <remarks>
/// Retained messages (MQTT 5 §3.3.1.3) tell the current state but are old news: they update the record
/// but do not count as live traffic, so they anchor no seq accounting. A death (offline status) carries
/// the seq of the birth it pairs with (Sparkplug B's bdSeq idea), so it is not counted as a duplicate.
/// </remarks>
public sealed class FleetView
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Entry> _devices = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly DeviceMessageDecoder _decoder = new();
    private long _malformed;
    private DateTimeOffset? _lastChange;

    /// <summary>Creates an empty view of <paramref name="fleet"/>.</summary>
    /// <param name="fleet">The fleet id; messages of other fleets are ignored.</param>
    /// <param name="trackSequence">Whether to count seq gaps and duplicates: only meaningful when this consumer gets every message of each device (not with a shared subscription, and with replies subscribed).</param>
    /// <param name="timeProvider">The clock for <see cref="DeviceRecord.LastSeen"/>, or null for the system clock.</param>
    public FleetView(string fleet, bool trackSequence = true, TimeProvider? timeProvider = null)
    {
        Fleet = ProtocolIds.RequireId(fleet, "--fleet");
        TrackSequence = trackSequence;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>The fleet id.</summary>
    public string Fleet { get; }

    /// <summary>Whether seq gaps and duplicates are counted.</summary>
    public bool TrackSequence { get; }

    /// <summary>Messages on device topics without a readable envelope (not a JSON object, or no <c>seq</c>): counted, otherwise ignored.</summary>
    public long Malformed => Interlocked.Read(ref _malformed);

    /// <summary>When the view last changed (a message of this fleet arrived), or null.</summary>
    public DateTimeOffset? LastChange
    {
        get
        {
            lock (_lock)
            {
                return _lastChange;
            }
        }
    }

    /// <summary>Takes one received message into account; messages that are not v1 device topics of this fleet are ignored.</summary>
    /// <param name="message">The message as delivered.</param>
    /// <returns>Whether it was a message of this fleet.</returns>
    public bool Observe(ReceivedMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.DeviceTopic is not { } topic || topic.Fleet != Fleet || topic.Kind == TopicKind.Command)
        {
            return false;
        }

        // MQTT 5 §3.3.1.3: a zero-byte retained message clears the topic; for status it means "forget this device".
        if (message.Payload.IsEmpty && topic.Kind == TopicKind.Status)
        {
            lock (_lock)
            {
                _devices.Remove(topic.Device);
                Touch();
            }

            return true;
        }

        var decoded = _decoder.Decode(topic, message.Payload);
        if (decoded.Seq is null)
        {
            // Without a seq it is not a device message of protocol v1 at all (not JSON, not an object, no envelope).
            Interlocked.Increment(ref _malformed);
            return true;
        }

        var now = _time.GetUtcNow();
        lock (_lock)
        {
            if (!_devices.TryGetValue(topic.Device, out var entry))
            {
                entry = new Entry(topic.Device);
                _devices.Add(topic.Device, entry);
            }

            Apply(entry, message.Retain, decoded, now);
            Touch();
        }

        return true;
    }

    /// <summary>A snapshot of every device, ordered by id.</summary>
    public IReadOnlyList<DeviceRecord> Snapshot()
    {
        lock (_lock)
        {
            return [.. _devices.Values.OrderBy(e => e.Device, StringComparer.Ordinal).Select(e => e.ToRecord(TrackSequence))];
        }
    }

    /// <summary>The ids of devices whose newest status is online, ordered.</summary>
    public IReadOnlyList<string> OnlineDevices() =>
        [.. Snapshot().Where(d => d.State == DeviceState.Online).Select(d => d.Device)];

    /// <summary>
    /// Waits until the broker has had time to deliver the retained statuses: until no message arrived for
    /// <paramref name="quiet"/> (after at least one did), or <paramref name="max"/> has passed.
    /// </summary>
    /// <param name="quiet">How long without a new message counts as "all delivered".</param>
    /// <param name="max">The longest wait (an empty fleet sends nothing).</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    public async Task WaitSettledAsync(TimeSpan quiet, TimeSpan max, CancellationToken cancellationToken)
    {
        var deadline = _time.GetUtcNow() + max;
        // Bounded by max; a 50 ms poll is far finer than any broker's retained-message burst.
        for (var now = _time.GetUtcNow(); now < deadline; now = _time.GetUtcNow())
        {
            if (LastChange is { } last && now - last >= quiet)
            {
                return;
            }

            var remaining = deadline - now;
            await Task.Delay(remaining < TimeSpan.FromMilliseconds(50) ? remaining : TimeSpan.FromMilliseconds(50), _time, cancellationToken);
        }
    }

    private void Touch() => _lastChange = _time.GetUtcNow();

    private static void Apply(Entry entry, bool retained, DecodedMessage decoded, DateTimeOffset now)
    {
        // A message whose body cannot be read (a field of a newer version with a value this one refuses) still
        // counts with its envelope (seq, ts); the record keeps what it had.
        switch (decoded.Message)
        {
            case StatusMessage status:
                entry.State = status.State;
                entry.Reason = status.Reason;
                if (status.State == DeviceState.Online)
                {
                    entry.Versions = status.Versions;
                    entry.ExecutionProvider = status.ExecutionProvider;
                }

                break;
            case TelemetryMessage telemetry:
                entry.Telemetry = telemetry;
                break;
            case { } training when decoded.Topic.Kind == TopicKind.Training:
                entry.Training = DescribeTraining(training) ?? entry.Training;
                break;
            default:
                break;
        }

        var seq = decoded.Seq!.Value;
        if (decoded.Ts is { } ts && (entry.LastTs is null || ts > entry.LastTs))
        {
            entry.LastTs = ts;
        }

        if (retained)
        {
            // Old news (§3.3.1.3): it tells the state, not that the device is talking now.
            entry.LastSeq = Math.Max(entry.LastSeq, seq);
            return;
        }

        entry.LastSeen = now;
        entry.Messages++;
        entry.LastSeq = Math.Max(entry.LastSeq, seq);
        if (decoded.Message is StatusMessage { State: DeviceState.Offline })
        {
            // The death repeats its birth's seq by design; it is not a duplicate.
            return;
        }

        entry.Sequence.Observe(seq);
    }

    private static string? DescribeTraining(DeviceMessage message) => message switch
    {
        TrainingProgressMessage p => string.Create(CultureInfo.InvariantCulture, $"{p.RunId} epoch {p.Epoch}/{p.Epochs} loss {p.Loss:0.###}{(p.Accuracy is { } a ? $" acc {a:0.###}" : "")}"),
        TrainingResult r => string.Create(CultureInfo.InvariantCulture, $"{r.RunId} {Describe(r.Outcome)}{(r.HeadVersion is { } h ? $" head {h}" : "")}{(r.Accuracy is { } a ? $" acc {a:0.###}" : "")}{(r.Reason is { } why ? $" ({why})" : "")}"),
        // Anomaly fits share the topic (docs/mqtt.md): the column shows whichever ran last.
        FitProgress fp => string.Create(CultureInfo.InvariantCulture, $"{fp.RunId} fit {fp.Stage} {fp.Done}/{fp.Total}"),
        FitResult fr => string.Create(CultureInfo.InvariantCulture, $"{fr.RunId} fit {Describe(fr.Outcome)}{(fr.AnomalyModel is { } m ? $" anomaly {m}" : "")}{(fr.ImageAuroc is { } a ? $" auroc {a:0.###}" : "")}{(fr.Reason is { } why ? $" ({why})" : "")}"),
        _ => null,
    };

    private static string Describe(PromotionOutcome outcome) => outcome switch
    {
        PromotionOutcome.Promoted => "promoted",
        PromotionOutcome.Rejected => "rejected",
        _ => "failed",
    };

    private sealed class Entry(string device)
    {
        public string Device { get; } = device;

        public DeviceState? State { get; set; }

        public string? Reason { get; set; }

        public DateTimeOffset? LastTs { get; set; }

        public DateTimeOffset? LastSeen { get; set; }

        public long LastSeq { get; set; }

        public long Messages { get; set; }

        public DeviceVersions? Versions { get; set; }

        public string? ExecutionProvider { get; set; }

        public TelemetryMessage? Telemetry { get; set; }

        public string? Training { get; set; }

        public SequenceTracker Sequence { get; } = new();

        public DeviceRecord ToRecord(bool trackSequence) => new()
        {
            Device = Device,
            State = State,
            Reason = Reason,
            LastTs = LastTs,
            LastSeen = LastSeen,
            LastSeq = LastSeq,
            Messages = Messages,
            Gaps = trackSequence ? Sequence.Gaps : null,
            Duplicates = trackSequence ? Sequence.Duplicates : null,
            Versions = Versions,
            ExecutionProvider = ExecutionProvider,
            Telemetry = Telemetry,
            Training = Training,
        };
    }
}
