using System.Text;
using System.Text.Json;
using EdgeTransfer.Agent;
using EdgeTransfer.Fuzzing.Mutation;
using EdgeTransfer.Mqtt.Commands;
using EdgeTransfer.Mqtt.Deployment;
using EdgeTransfer.Mqtt.Protocol;

namespace EdgeTransfer.Fuzzing.Surfaces;

/// <summary>
/// Every command body the device accepts, through the command router as the agent registers it: the same
/// request contracts, limits, the config allow-list and the real deployment receiver (staging chunks on disk),
/// with handlers that accept whatever reaches them. An input is <c>{command}\n{body}</c>.
/// </summary>
/// <remarks>
/// The router never throws for bad input; it answers. A refusal must carry a code other than
/// <see cref="CommandErrorCodes.Failed"/> (which means something threw that was not a clear refusal) and a
/// message without .NET text.
/// </remarks>
public sealed class MqttCommandSurface : FuzzSurface
{
    private const string Fleet = "plant-1";
    private const string Device = "cam-1";
    private static readonly byte[] Correlation = [.. Enumerable.Range(1, 16).Select(i => (byte)i)];
    private readonly CommandRouter _router = new(Fleet, Device);
    private readonly byte[] _plan;

    /// <summary>Creates the router with every command of the device and a staged deployment whose chunks are seeds.</summary>
    public MqttCommandSurface()
        : base("mqtt")
    {
        _router.Register("label", ProtocolJson.InfoOf<LabelRequest>(), Accept);
        _router.Register("collect", ProtocolJson.InfoOf<CollectRequest>(), Accept);
        _router.Register("train", ProtocolJson.InfoOf<TrainRequest>(), Accept);
        _router.Register("rollback", ProtocolJson.InfoOf<RollbackRequest>(), Accept);
        _router.Register("status", ProtocolJson.InfoOf<StatusRequest>(), Accept);
        _router.RegisterConfig(ConfigKeys.AllowList, Accept);
        _router.Register("preview", ProtocolJson.InfoOf<PreviewRequest>(), Accept);
        var receiver = new DeploymentReceiver(
            new DeploymentReceiverOptions { StagingDirectory = Path.Combine(ScratchDirectory, "staging"), MaxBundleBytes = 64L << 20 },
            (_, _) => ValueTask.FromResult(CommandResult.Empty));
        receiver.Register(_router, BundleChunker.MinChunkSize * 4);

        var archive = Path.Combine(ScratchDirectory, "bundle.tar");
        var content = new byte[10_000];
        new Random(11).NextBytes(content);
        File.WriteAllBytes(archive, content);
        var plan = BundleChunker.Plan(archive, "fuzz-deploy-1", BundleChunker.MinChunkSize * 4, "resnet18-3c-20261126T031500Z");
        _plan = JsonSerializer.SerializeToUtf8Bytes(plan, ProtocolJson.InfoOf<DeployRequest>());
        var seeds = new List<byte[]>
        {
            Body("label", "\"label\":\"scratch\",\"frameId\":1042"),
            Body("label", "\"label\":\"good\",\"ts\":\"2026-11-26T03:15:00+00:00\""),
            Body("collect", "\"action\":\"start\",\"label\":\"dent\",\"maxSamples\":50"),
            Body("collect", "\"action\":\"stop\""),
            Body("train", "\"epochs\":20,\"learningRate\":0.01,\"batchSize\":16,\"weightDecay\":0.0001,\"validationFraction\":0.2,\"seed\":7"),
            Body("rollback", "\"headVersion\":3"),
            Body("rollback", ""),
            Body("status", ""),
            Body("config", "\"set\":{\"telemetry.intervalSeconds\":30,\"events.every\":10,\"events.rejects\":true,\"inspection.paused\":false}"),
            Body("preview", "\"size\":48"),
            Input("deploy", Encoding.UTF8.GetString(_plan)),
        };
        for (var i = 0; i < plan.Chunks.Count; i++)
        {
            var chunk = new DeployChunkRequest { Schema = DeviceMessage.SchemaVersion, DeploymentId = plan.DeploymentId, Index = i, Data = BundleChunker.EncodeChunk(BundleChunker.ReadChunk(archive, plan.ChunkSize, i)) };
            seeds.Add(Input("deploy-chunk", JsonSerializer.Serialize(chunk, ProtocolJson.InfoOf<DeployChunkRequest>())));
        }

        Seeds = seeds;
    }

    /// <inheritdoc />
    public override string Name => "mqtt";

    /// <inheritdoc />
    public override IReadOnlyList<byte[]> Seeds { get; }

    /// <summary>The input for <paramref name="command"/> with <paramref name="body"/>.</summary>
    /// <param name="command">The command name (the last topic level).</param>
    /// <param name="body">The JSON body.</param>
    public static byte[] Input(string command, string body) => Encoding.UTF8.GetBytes($"{command}\n{body}");

    private static byte[] Body(string command, string fields) =>
        Input(command, "{\"schema\":\"edgetransfer/v1\"" + (fields.Length > 0 ? "," + fields : string.Empty) + "}");

    /// <inheritdoc />
    public override byte[] Mutate(byte[] seed, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var (command, body) = Split(seed);
        if (random.Next(20) == 0)
        {
            // One command's body sent to another.
            command = Split(Seeds[random.Next(Seeds.Count)]).Command;
        }

        var mutated = random.Next(8) == 0 ? ByteMutations.Mutate(body, random) : JsonMutations.Mutate(body, random);
        return [.. Encoding.UTF8.GetBytes(command + "\n"), .. mutated];
    }

    /// <inheritdoc />
    public override void Exercise(byte[] input)
    {
        var (command, body) = Split(input);
        if (command == "deploy-chunk")
        {
            // Chunks are checked against the staged plan: put it back, whatever earlier inputs did to it.
            _ = Dispatch("deploy", _plan);
        }

        var reply = Dispatch(command, body).Reply;
        if (reply.Ok)
        {
            return;
        }

        var error = reply.Error ?? throw new FuzzInvariantException("The reply says not ok but carries no error.");
        if (error.Code == CommandErrorCodes.Failed)
        {
            throw new FuzzInvariantException($"reply '{CommandErrorCodes.Failed}' (something threw that is not a clear refusal): {error.Message}");
        }

        throw new CommandException(error.Code, error.Field, error.Message);
    }

    /// <inheritdoc />
    public override bool NamesInput(string message) => !string.IsNullOrWhiteSpace(message);

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        _router.Dispose();
        base.Dispose(disposing);
    }

    private static ValueTask<CommandResult> Accept<TRequest>(TRequest request, CommandContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult(CommandResult.Empty);

    private static (string Command, byte[] Body) Split(byte[] input)
    {
        var newline = Array.IndexOf(input, (byte)'\n');
        return newline < 0
            ? (string.Empty, input)
            : (Encoding.UTF8.GetString(input, 0, newline), input[(newline + 1)..]);
    }

    private CommandDispatch Dispatch(string command, byte[] body)
    {
        var topic = $"{DeviceTopic.Prefix}/{Fleet}/{Device}/cmd/{command}";
        return _router.DispatchAsync(
            new IncomingCommand
            {
                Topic = topic,
                Payload = body,
                ResponseTopic = $"{DeviceTopic.Prefix}/{Fleet}/{Device}/reply/{command}",
                CorrelationData = Correlation,
                ContentType = ProtocolJson.ContentType,
            },
            CancellationToken.None).GetAwaiter().GetResult();
    }
}
