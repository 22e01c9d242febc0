using System.Text.Json;
using EdgeTransfer.Mqtt.Client;
using EdgeTransfer.Mqtt.Commands;
using EdgeTransfer.Mqtt.Protocol;
using EdgeTransfer.Mqtt.Tests.Infrastructure;
using EdgeTransfer.Testing;
using EdgeTransfer.Testing.Mqtt;

namespace EdgeTransfer.Mqtt.Tests;

/// <summary>
/// The device and fleet sessions of <see cref="MqttConnection"/> over the in-memory transport: the protocol's behaviour
/// without a broker process (the broker's own part, wills, ACLs and TLS, is tested against Mosquitto).
/// </summary>
public sealed class MqttConnectionTests : IAsyncDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);
    private readonly TempDirectory _temp = new();
    private readonly InMemoryBroker _broker = new();
    private readonly List<MqttConnection> _connections = [];

    public async ValueTask DisposeAsync()
    {
        foreach (var connection in _connections)
        {
            await connection.DisposeAsync();
        }

        _temp.Dispose();
    }

    [Fact]
    public async Task Command_GetsAReply_WithTheCorrelationData()
    {
        // Given a device with a router and a fleet connection
        using var agent = new TestDevice("d1", _temp.Combine("staging"));
        await StartDeviceAsync("d1", agent.Router);
        var fleet = await StartFleetAsync(new MessageSink());

        // When the fleet sends two commands (SendCommandAsync matches each reply by the correlation data it generated, MQTT 5 §4.10)
        var reply = await fleet.SendCommandAsync("d1", "train", new TrainRequest { Schema = DeviceMessage.SchemaVersion, Epochs = 12 }, Wait);
        var status = await fleet.SendCommandAsync("d1", "status", new StatusRequest { Schema = DeviceMessage.SchemaVersion }, Wait);

        // Then both are answered, in order, and the handler saw the request
        Assert.True(reply.Ok, reply.Error?.Message);
        Assert.Equal(12, agent.LastTrain!.Epochs);
        Assert.True(status.Ok);
        Assert.True(status.Seq > reply.Seq);
    }

    [Fact]
    public async Task BadPayloads_EachGetAnErrorReply_AndTheDeviceKeepsWorking()
    {
        using var agent = new TestDevice("d1", _temp.Combine("staging"));
        var device = await StartDeviceAsync("d1", agent.Router);
        var sink = new MessageSink();
        var fleet = await StartFleetAsync(sink);
        await fleet.SubscribeAsync("edgetransfer/v1/plant1/d1/reply/#");
        var failures = new List<string>();

        // Bodies beyond the packet limit the device announces never reach it over a real broker (see PacketLimitTests).
        foreach (var bad in BadPayloads.All.Where(b => b.Payload.Length < device.MaxPacketBytes - CommandIntake.PacketOverheadBytes))
        {
            var correlation = bad.NoCorrelation ? null : Guid.NewGuid().ToByteArray().Concat(new byte[Math.Max(0, bad.CorrelationBytes - 16)]).ToArray();
            var incoming = CommandRouterTests.ToIncoming(bad);
            var before = new HashSet<object>(sink.Snapshot(), ReferenceEqualityComparer.Instance);
            await fleet.PublishAsync(incoming.Topic, bad.Payload, new PublishSettings { ResponseTopic = incoming.ResponseTopic, CorrelationData = correlation, ContentType = bad.ContentType });
            var reply = await sink.WaitForAsync(
                m => correlation is { Length: <= 64 } ? m.CorrelationData is { } c && c.Span.SequenceEqual(correlation) : m.CorrelationData is null && !before.Contains(m),
                Wait);
            var message = ProtocolJson.Deserialize<CommandReplyMessage>(reply.Payload.Span);
            if (message.Ok || message.Error!.Code != bad.Code || (bad.Mentions is { } mention && !message.Error.Message.Contains(mention, StringComparison.OrdinalIgnoreCase)))
            {
                failures.Add($"{bad.Name}: got {message.Error?.Code} {message.Error?.Message}");
            }
        }

        Assert.Empty(failures);
        Assert.Equal(0, agent.Changes);
        var ok = await fleet.SendCommandAsync("d1", "status", new StatusRequest { Schema = DeviceMessage.SchemaVersion }, Wait);
        Assert.True(ok.Ok);
    }

    [Fact]
    public async Task Outbox_LinkOutage_EverySeqArrives_InOrder_NoGap()
    {
        // Given a fleet consumer and a device whose link we can cut
        var sink = new MessageSink();
        var fleet = await StartFleetAsync(sink);
        await fleet.SubscribeFleetAsync(TopicKind.Telemetry);
        await fleet.SubscribeFleetAsync(TopicKind.Status);
        var link = _broker.CreateTransport("d1");
        var device = await StartDeviceAsync("d1", router: null, link);
        var seqs = new List<long>();
        for (var frames = 0; frames < 5; frames++)
        {
            seqs.Add(device.Enqueue(new TelemetryMessage { Frames = frames }).Seq);
        }

        // When the link is cut, the device keeps producing, and the link comes back
        await sink.WaitUntilAsync(ms => ms.Count(IsTelemetry) == 5, Wait);
        link.Unplugged = true;
        for (var frames = 5; frames < 40; frames++)
        {
            seqs.Add(device.Enqueue(new TelemetryMessage { Frames = frames }).Seq);
        }

        Assert.False(device.IsConnected);
        Assert.True(device.Outbox!.Count > 0, "the device kept producing into its outbox");
        link.Unplugged = false;

        // Then the fleet sees every telemetry seq once, in order; with the will and the new birth, the sequence has no gap
        var expected = seqs.ToHashSet();
        await sink.WaitUntilAsync(ms => expected.IsSubsetOf(ms.Where(IsTelemetry).Select(m => Read(m).Seq)), Wait);
        var telemetry = sink.Snapshot().Where(IsTelemetry).Select(m => Read(m).Seq).ToList();
        Assert.Equal(seqs, telemetry);
        var all = sink.Snapshot().Select(m => IsTelemetry(m) ? Read(m).Seq : Status(m).Seq).Where(q => q >= seqs[0] && q <= seqs[^1]).ToHashSet();
        Assert.Equal(seqs[^1] - seqs[0] + 1, all.Count);
        Assert.Contains(sink.Snapshot(), m => !IsTelemetry(m) && Status(m) is { State: DeviceState.Online } birth && birth.Seq > seqs[4]);
        Assert.Equal(2, device.ConnectCount);
        Assert.Equal(0, device.Outbox.Statistics.Dropped);
    }

    [Fact]
    public async Task SendCommand_OnADeviceConnection_SaysOnlyAFleetConnectionSendsCommands()
    {
        var device = await StartDeviceAsync("d1", router: null);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => device.SendCommandAsync("d2", "status", new StatusRequest { Schema = DeviceMessage.SchemaVersion }, Wait));

        Assert.Contains("only a fleet connection", error.Message, StringComparison.Ordinal);
    }

    private async Task<MqttConnection> StartDeviceAsync(string id, CommandRouter? router, InMemoryTransport? link = null)
    {
        var connection = new MqttConnection(TestClients.Device(1883, id, _temp.Combine(id), passwordFile: null), link ?? _broker.CreateTransport(id));
        _connections.Add(connection);
        if (router is not null)
        {
            connection.UseCommands(router);
        }

        await connection.StartAsync();
        await connection.WaitConnectedAsync(new CancellationTokenSource(Wait).Token);
        return connection;
    }

    private async Task<MqttConnection> StartFleetAsync(MessageSink sink)
    {
        var connection = new MqttConnection(TestClients.FleetSide(1883, passwordFile: null), _broker.CreateTransport("fleet")) { MessageHandler = sink.HandleAsync };
        _connections.Add(connection);
        await connection.StartAsync();
        await connection.WaitConnectedAsync(new CancellationTokenSource(Wait).Token);
        return connection;
    }

    private static bool IsTelemetry(ReceivedMessage message) => message.DeviceTopic?.Kind == TopicKind.Telemetry;

    private static TelemetryMessage Read(ReceivedMessage message) => JsonSerializer.Deserialize(message.Payload.Span, ProtocolJsonContext.Default.TelemetryMessage)!;

    private static StatusMessage Status(ReceivedMessage message) => JsonSerializer.Deserialize(message.Payload.Span, ProtocolJsonContext.Default.StatusMessage)!;
}
