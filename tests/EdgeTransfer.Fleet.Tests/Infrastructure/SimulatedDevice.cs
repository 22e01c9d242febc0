using System.Collections.Concurrent;
using System.Text.Json;
using EdgeTransfer.Artifacts.IO;
using EdgeTransfer.Mqtt.Client;
using EdgeTransfer.Mqtt.Commands;
using EdgeTransfer.Mqtt.Deployment;
using EdgeTransfer.Mqtt.Protocol;

namespace EdgeTransfer.Fleet.Tests.Infrastructure;

/// <summary>
/// A device agent as docs/mqtt.md describes it, simulated with the protocol library: a device-role
/// connection (birth, last will, seq, outbox) and a router with every command. Handlers only record what
/// they would change. A <em>silent</em> device announces itself but never answers (a hung agent).
/// </summary>
internal sealed class SimulatedDevice : IAsyncDisposable
{
    public const string Fleet = "plant1";

    private readonly CommandRouter? _router;

    private SimulatedDevice(string id, MqttConnection connection, CommandRouter? router)
    {
        Id = id;
        Connection = connection;
        _router = router;
    }

    public string Id { get; }

    public MqttConnection Connection { get; }

    public ConcurrentQueue<string> Commands { get; } = new();

    /// <summary>sha256 of each archive the installer received.</summary>
    public ConcurrentQueue<string> Installed { get; } = new();

    /// <summary>With a text, <c>fit</c> is refused with it (code <c>failed</c>), as a device without good images refuses.</summary>
    public string? FitRefusal { get; init; }

    public static async Task<SimulatedDevice> StartAsync(int port, string id, string stateRoot, bool answers = true, string? fitRefusal = null)
    {
        var directory = Path.Combine(stateRoot, id);
        var connection = new MqttConnection(new MqttConnectionOptions
        {
            Role = ConnectionRole.Device,
            Port = port,
            Fleet = Fleet,
            DeviceId = id,
            StateDirectory = directory,
            SessionExpiry = TimeSpan.Zero,
            KeepAlive = TimeSpan.FromSeconds(5),
            ConnectTimeout = TimeSpan.FromSeconds(3),
            ReconnectMinDelay = TimeSpan.FromMilliseconds(100),
            ReconnectMaxDelay = TimeSpan.FromMilliseconds(500),
        })
        {
            BirthProvider = () => new StatusMessage { Versions = new DeviceVersions { App = "sim-1.0", Bundle = "line3", Head = 7 }, ExecutionProvider = "cpu" },
        };
        CommandRouter? router = answers ? new CommandRouter(Fleet, id) : null;
        var device = new SimulatedDevice(id, connection, router) { FitRefusal = fitRefusal };
        if (router is not null)
        {
            device.Register(router, Path.Combine(directory, "staging"));
            connection.UseCommands(router);
        }

        await connection.StartAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await connection.WaitConnectedAsync(timeout.Token);
        return device;
    }

    public async ValueTask DisposeAsync()
    {
        await Connection.DisposeAsync();
        _router?.Dispose();
    }

    private void Register(CommandRouter router, string staging)
    {
        router.Register("label", ProtocolJson.InfoOf<LabelRequest>(), (r, c, t) => Done("label"));
        router.Register("collect", ProtocolJson.InfoOf<CollectRequest>(), (r, c, t) => Done("collect"));
        router.Register("train", ProtocolJson.InfoOf<TrainRequest>(), (r, c, t) => Done($"train epochs={r.Epochs}"));
        router.Register("rollback", ProtocolJson.InfoOf<RollbackRequest>(), (r, c, t) => Done(r.Anomaly == true ? "rollback anomaly" : $"rollback head={r.HeadVersion}"));
        router.Register("fit", ProtocolJson.InfoOf<FitRequest>(), (r, c, t) => Fit(r));
        router.Register("status", ProtocolJson.InfoOf<StatusRequest>(), (r, c, t) =>
        {
            Commands.Enqueue("status");
            return ValueTask.FromResult(CommandResult.Of(new StatusMessage { State = DeviceState.Online, ExecutionProvider = "cpu", Versions = new DeviceVersions { App = "sim-1.0" } }, ProtocolJson.InfoOf<StatusMessage>()));
        });
        router.RegisterConfig(new ConfigAllowList([new ConfigKey("inspection.threshold", ConfigValueKind.Number, 0, 1)]), (r, c, t) => Done("config"));
        new DeploymentReceiver(new DeploymentReceiverOptions { StagingDirectory = staging }, (bundle, t) =>
        {
            Installed.Enqueue(Sha256.OfFile(bundle.ArchivePath));
            return ValueTask.FromResult(CommandResult.Empty);
        }).Register(router);
    }

    // Accepts, then publishes the result on "training" as the agent does once its background fit ends.
    private ValueTask<CommandResult> Fit(FitRequest request)
    {
        Commands.Enqueue($"fit defects={request.Defects}");
        if (FitRefusal is { } refusal)
        {
            throw new CommandException(CommandErrorCodes.Failed, null, refusal);
        }

        var runId = $"f-{Id}-{Commands.Count}";
        _ = Task.Run(async () =>
        {
            await Task.Delay(100);
            Connection.Enqueue(new FitResult { RunId = runId, Outcome = PromotionOutcome.Promoted, AnomalyModel = "a0002", GoodImages = 40, BankPatches = 2500, BankBytes = 1_280_000, Threshold = 1.25, HeldOutFalseRejectRate = 0, ImageAuroc = 0.99, DurationSeconds = 1.5, Reason = "accepted" });
        });
        return ValueTask.FromResult(CommandResult.Of(JsonDocument.Parse($$"""{"runId":"{{runId}}","goodImages":40,"defectImages":0}""").RootElement.Clone(), ProtocolJson.InfoOf<JsonElement>()));
    }

    private ValueTask<CommandResult> Done(string what)
    {
        Commands.Enqueue(what);
        return ValueTask.FromResult(CommandResult.Empty);
    }
}
