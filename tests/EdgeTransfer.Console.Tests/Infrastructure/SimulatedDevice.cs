using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using EdgeTransfer.Mqtt.Client;
using EdgeTransfer.Mqtt.Commands;
using EdgeTransfer.Mqtt.Protocol;
using EdgeTransfer.Testing;

namespace EdgeTransfer.LineConsole.Tests.Infrastructure;

/// <summary>
/// A device that speaks protocol v1 through a real <see cref="MqttConnection"/> (device role) and a
/// <see cref="CommandRouter"/>, without a camera or a model: it publishes what a test tells it to and
/// answers label, collect, train, rollback, status, config and (optionally) preview like the agent would,
/// including the console's extensions of docs/console.md.
/// </summary>
public sealed class SimulatedDevice : IAsyncDisposable
{
    /// <summary>The fleet of every simulated device.</summary>
    public const string Fleet = "plant1";

    private readonly TempDirectory _state = new();
    private readonly CommandRouter _router;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, long> _samples = new(StringComparer.Ordinal);
    private readonly List<long> _heads = [1];
    private readonly CancellationTokenSource _stop = new();
    private Task _training = Task.CompletedTask;
    private long _frame;
    private bool _paused;
    private string? _collecting;
    private string? _validation;
    private int _runs;

    /// <summary>Creates the device (nothing connects until <see cref="StartAsync"/>).</summary>
    /// <param name="port">The broker port on loopback.</param>
    /// <param name="id">The device id.</param>
    /// <param name="preview">Whether it answers <c>preview</c> (an agent older than docs/console.md does not).</param>
    /// <param name="transport">The transport (the in-memory one), or null for MQTTnet to the port.</param>
    public SimulatedDevice(int port, string id = "line3-cam1", bool preview = true, IMqttTransport? transport = null)
    {
        Id = id;
        _router = new CommandRouter(Fleet, id);
        var options = new MqttConnectionOptions
        {
            Role = ConnectionRole.Device,
            Port = port,
            Fleet = Fleet,
            DeviceId = id,
            StateDirectory = _state.Path,
            ReconnectMinDelay = TimeSpan.FromMilliseconds(100),
        };
        Connection = transport is null ? new MqttConnection(options) : new MqttConnection(options, transport);
        Connection.BirthProvider = () => new StatusMessage
        {
            Versions = new DeviceVersions { App = "9.9.9-sim", OnnxRuntime = "1.31.1", Bundle = "line3", Head = CurrentHead },
            ExecutionProvider = "cpu",
        };
        _router.Register("label", ProtocolJson.InfoOf<LabelRequest>(), (r, _, _) =>
        {
            Record("label", JsonSerializer.Serialize(r, ProtocolJson.InfoOf<LabelRequest>()));
            lock (_lock)
            {
                if (!Classes.Contains(r.Label))
                {
                    throw new CommandException(CommandErrorCodes.InvalidValue, "label", $"label: \"{r.Label}\" is not a class of bundle line3.");
                }

                _samples[r.Label] = _samples.GetValueOrDefault(r.Label) + 1;
                return ValueTask.FromResult(Result($$"""{"frameId":{{_frame}},"label":"{{r.Label}}","sampleId":{{_samples.Values.Sum()}},"samples":{{_samples.Values.Sum()}}}"""));
            }
        });
        _router.Register("collect", ProtocolJson.InfoOf<CollectRequest>(), (r, _, _) =>
        {
            Record("collect", JsonSerializer.Serialize(r, ProtocolJson.InfoOf<CollectRequest>()));
            lock (_lock)
            {
                _collecting = r.Action == CollectAction.Start ? r.Label : null;
                var label = r.Label is null ? "null" : $"\"{r.Label}\"";
                return ValueTask.FromResult(Result($$"""{"action":"{{(r.Action == CollectAction.Start ? "start" : "stop")}}","label":{{label}},"samples":{{_samples.Values.Sum()}}}"""));
            }
        });
        _router.Register("train", ProtocolJson.InfoOf<TrainRequest>(), (r, _, _) =>
        {
            Record("train", JsonSerializer.Serialize(r, ProtocolJson.InfoOf<TrainRequest>()));
            lock (_lock)
            {
                if (!_training.IsCompleted)
                {
                    throw new CommandException(CommandErrorCodes.Busy, null, "A training run is in progress; wait for its result.");
                }

                var runId = $"r-{++_runs}";
                _training = Task.Run(() => TrainAsync(runId, r.Epochs ?? 3), CancellationToken.None);
                return ValueTask.FromResult(Result($$"""{"runId":"{{runId}}","epochs":{{r.Epochs ?? 3}},"learningRate":0.01,"batchSize":32,"samples":{{_samples.Values.Sum()}}}"""));
            }
        });
        _router.Register("rollback", ProtocolJson.InfoOf<RollbackRequest>(), (r, _, _) =>
        {
            Record("rollback", JsonSerializer.Serialize(r, ProtocolJson.InfoOf<RollbackRequest>()));
            lock (_lock)
            {
                if (_heads.Count < 2)
                {
                    throw new CommandException(CommandErrorCodes.NotFound, "headVersion", "There is no previous head to roll back to; head v1 is the first one.");
                }

                _heads.RemoveAt(_heads.Count - 1);
                return ValueTask.FromResult(Result($$"""{"headVersion":{{_heads[^1]}},"name":"v{{_heads[^1]:D4}}","restoredFrom":{{_heads[^1]}},"changed":true}"""));
            }
        });
        _router.Register("status", ProtocolJson.InfoOf<StatusRequest>(), (_, _, _) =>
        {
            Record("status", "{}");
            return ValueTask.FromResult(Status());
        });
        _router.RegisterConfig(new ConfigAllowList([new ConfigKey("inspection.paused", ConfigValueKind.Boolean)]), (r, _, _) =>
        {
            Record("config", JsonSerializer.Serialize(r, ProtocolJson.InfoOf<ConfigRequest>()));
            lock (_lock)
            {
                _paused = r.Set["inspection.paused"].GetBoolean();
                return ValueTask.FromResult(Result($$"""{"telemetryIntervalSeconds":5,"eventsEvery":10,"eventsRejects":true,"inspectionPaused":{{Json(_paused)}}}"""));
            }
        });
        if (preview)
        {
            _router.Register("preview", SimulatorJsonContext.Default.PreviewRequest, (r, _, _) => ValueTask.FromResult(Preview(r.Size ?? 48)));
        }

        Connection.UseCommands(_router);
    }

    /// <summary>The device id.</summary>
    public string Id { get; }

    /// <summary>The device's connection (for raw publishes in tests).</summary>
    public MqttConnection Connection { get; }

    /// <summary>The bundle's classes.</summary>
    public IReadOnlyList<string> Classes { get; } = ["good", "scratch", "dent"];

    /// <summary>The commands received (not status or preview polls), in order, with their bodies as the device read them.</summary>
    public ConcurrentQueue<(string Name, string Body)> Commands { get; } = new();

    /// <summary>How long each simulated training epoch takes.</summary>
    public TimeSpan EpochTime { get; set; } = TimeSpan.FromMilliseconds(150);

    private long CurrentHead
    {
        get
        {
            lock (_lock)
            {
                return _heads[^1];
            }
        }
    }

    /// <summary>Connects and waits for the birth to be published.</summary>
    public async Task StartAsync()
    {
        await Connection.StartAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await Connection.WaitConnectedAsync(timeout.Token);
    }

    /// <summary>Publishes one inspection event (through the outbox, as the agent does).</summary>
    public long Inspect(string verdict, double confidence, bool rejected = false, double latencyMs = 12.5)
    {
        var frame = Interlocked.Increment(ref _frame);
        Connection.Enqueue(new InspectionEvent { FrameId = frame, Verdict = verdict, Confidence = confidence, Rejected = rejected, LatencyMs = latencyMs, HeadVersion = CurrentHead });
        return frame;
    }

    /// <summary>Publishes telemetry with the given verdict counts.</summary>
    public void Telemetry(Dictionary<string, long> verdicts, long rejected = 0)
    {
        lock (_lock)
        {
            Connection.Enqueue(new TelemetryMessage
            {
                UptimeSeconds = 61,
                Frames = verdicts.Values.Sum(),
                Verdicts = verdicts,
                Rejected = rejected,
                LatencyMs = new LatencyPercentiles { P50 = 12.5, P95 = 19.8, P99 = 27.5 },
                CpuPercent = 42,
                StoreSamples = _samples.Values.Sum(),
            });
        }
    }

    /// <summary>Publishes raw bytes on one of the device's topics, bypassing every check (bad data from the wire).</summary>
    public Task PublishRawAsync(TopicKind kind, string payload, bool retain = false) =>
        Connection.PublishAsync(DeviceTopic.For(Fleet, Id, kind).ToString(), Encoding.UTF8.GetBytes(payload), new PublishSettings { Retain = retain });

    /// <summary>Stops: a clean shutdown publishes the retained <c>offline</c> status.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _training;
        }
        catch (OperationCanceledException)
        {
        }

        await Connection.DisposeAsync();
        _router.Dispose();
        _stop.Dispose();
        _state.Dispose();
    }

    private static CommandResult Result(string json)
    {
        using var document = JsonDocument.Parse(json);
        return CommandResult.Of(document.RootElement.Clone(), ProtocolJson.InfoOf<JsonElement>());
    }

    private void Record(string name, string body) => Commands.Enqueue((name, body));

    private string SamplesJson() =>
        "{" + string.Join(',', Classes.Select(c => $"\"{c}\":{_samples.GetValueOrDefault(c).ToString(CultureInfo.InvariantCulture)}")) + "}";

    private static string Json(bool value) => value ? "true" : "false";

    private CommandResult Status()
    {
        // The shape of the agent's StatusReport (src/EdgeTransfer.Agent/Replies), plus the console's "validation".
        lock (_lock)
        {
            var collecting = _collecting is null ? "null" : $"\"{_collecting}\"";
            var classes = "[" + string.Join(',', Classes.Select(c => $"\"{c}\"")) + "]";
            var validation = _validation is null ? "" : $",\"validation\":{_validation}";
            var head = _heads[^1];
            return Result($$"""
                {"versions":{"app":"9.9.9-sim","bundle":"line3","head":{{head}}},"executionProvider":"cpu","classes":{{classes}},
                 "head":{"version":{{head}},"name":"v{{head:D4}}","source":"trained"},"storeSamples":{{_samples.Values.Sum()}},"storeBytes":0,
                 "storeByClass":{{SamplesJson()}},"inspection":{"frames":{{_frame}},"rejected":0,"errors":0,"paused":{{Json(_paused)}},"verdicts":{} },
                 "collecting":{{collecting}},"outboxMessages":0,"outboxDropped":0,
                 "config":{"telemetryIntervalSeconds":5,"eventsEvery":10,"eventsRejects":true,"inspectionPaused":{{Json(_paused)}}}{{validation}}}
                """);
        }
    }

    private CommandResult Preview(int size)
    {
        // A diagonal gradient with a dark "defect" square: enough to see that colours arrive in order.
        var rgb = new byte[size * size * 3];
        for (var y = 0; y < size; y++)
        {
            for (var x = 0; x < size; x++)
            {
                var i = ((y * size) + x) * 3;
                var spot = x > size / 3 && x < size / 2 && y > size / 3 && y < size / 2;
                rgb[i] = spot ? (byte)20 : (byte)(x * 255 / size);
                rgb[i + 1] = spot ? (byte)20 : (byte)(y * 255 / size);
                rgb[i + 2] = spot ? (byte)20 : (byte)160;
            }
        }

        return Result($$"""{"frameId":{{Interlocked.Read(ref _frame)}},"width":{{size}},"height":{{size}},"format":"rgb24","data":"{{Convert.ToBase64String(rgb)}}"}""");
    }

    private async Task TrainAsync(string runId, int epochs)
    {
        var start = DateTimeOffset.UtcNow;
        for (var epoch = 1; epoch <= epochs; epoch++)
        {
            await Task.Delay(EpochTime, _stop.Token);
            Connection.Enqueue(new TrainingProgressMessage { RunId = runId, Epoch = epoch, Epochs = epochs, Loss = 1.0 / (epoch + 1), Accuracy = 0.6 + (0.35 * epoch / epochs) });
        }

        long head;
        lock (_lock)
        {
            head = _heads[^1] + 1;
            _heads.Add(head);
            _validation = """{"classes":["good","scratch","dent"],"matrix":[[18,1,0],[0,9,1],[0,0,7]]}""";
        }

        Connection.Enqueue(new TrainingResult { RunId = runId, Outcome = PromotionOutcome.Promoted, HeadVersion = head, Accuracy = 0.944, Loss = 0.081, DurationSeconds = (DateTimeOffset.UtcNow - start).TotalSeconds });
    }
}
