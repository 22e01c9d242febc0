using EdgeTransfer.Mqtt.Commands;
using EdgeTransfer.Mqtt.Deployment;
using EdgeTransfer.Mqtt.Protocol;

namespace EdgeTransfer.Mqtt.Tests.Infrastructure;

/// <summary>A simulated device agent: a router with every command, handlers that only count what they changed.</summary>
public sealed class TestDevice : IDisposable
{
    public TestDevice(string device, string stagingDirectory)
    {
        Router = new CommandRouter(TestClients.Fleet, device);
        Router.Register("label", ProtocolJson.InfoOf<LabelRequest>(), (r, c, t) => Change());
        Router.Register("collect", ProtocolJson.InfoOf<CollectRequest>(), (r, c, t) => Change());
        Router.Register("train", ProtocolJson.InfoOf<TrainRequest>(), (r, c, t) =>
        {
            LastTrain = r;
            return Change();
        });
        Router.Register("rollback", ProtocolJson.InfoOf<RollbackRequest>(), (r, c, t) => Change());
        Router.Register("status", ProtocolJson.InfoOf<StatusRequest>(), (r, c, t) =>
            ValueTask.FromResult(CommandResult.Of(new StatusMessage { State = DeviceState.Online, ExecutionProvider = "cpu" }, ProtocolJson.InfoOf<StatusMessage>())));
        Router.RegisterConfig(
            new ConfigAllowList([new ConfigKey("inspection.threshold", ConfigValueKind.Number, 0, 1), new ConfigKey("telemetry.intervalSeconds", ConfigValueKind.WholeNumber, 1, 86400)]),
            (r, c, t) => Change());
        Receiver = new DeploymentReceiver(new DeploymentReceiverOptions { StagingDirectory = stagingDirectory }, (bundle, t) =>
        {
            Installed.Add(bundle with { ArchivePath = CopyAside(bundle.ArchivePath) });
            return ValueTask.FromResult(CommandResult.Empty);
        });
        Receiver.Register(Router, maxChunkSize: 64 * 1024);
    }

    public CommandRouter Router { get; }

    public DeploymentReceiver Receiver { get; }

    public int Changes { get; private set; }

    public TrainRequest? LastTrain { get; private set; }

    public List<ReceivedBundle> Installed { get; } = [];

    public void Dispose() => Router.Dispose();

    private ValueTask<CommandResult> Change()
    {
        Changes++;
        return ValueTask.FromResult(CommandResult.Empty);
    }

    private static string CopyAside(string path)
    {
        var copy = Path.GetTempFileName();
        File.Copy(path, copy, overwrite: true);
        return copy;
    }
}
