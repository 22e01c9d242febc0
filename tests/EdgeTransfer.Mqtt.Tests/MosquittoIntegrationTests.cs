using System.Text;
using System.Text.Json;
using EdgeTransfer.Mqtt.Client;
using EdgeTransfer.Mqtt.Commands;
using EdgeTransfer.Mqtt.Deployment;
using EdgeTransfer.Mqtt.Protocol;
using EdgeTransfer.Mqtt.Tests.Infrastructure;
using EdgeTransfer.Testing;
using MQTTnet;
using MQTTnet.Formatter;

namespace EdgeTransfer.Mqtt.Tests;

/// <summary>The protocol against a real Mosquitto with passwords and the ACL of devices/mosquitto.</summary>
public sealed class MosquittoIntegrationTests : IDisposable
{
    // Generous: on a loaded 2-core CI machine a reconnect can take several seconds; a pass is still fast.
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(40);
    private readonly TempDirectory _temp = new();
    private readonly string _passwordFile;

    public MosquittoIntegrationTests()
    {
        _passwordFile = _temp.Combine("password");
        File.WriteAllText(_passwordFile, MosquittoBroker.Password + "\n");
    }

    public void Dispose() => _temp.Dispose();

    [MosquittoFact]
    public async Task Birth_IsRetained_AndLastWillIsPublished_WhenTheDeviceVanishes()
    {
        await using var broker = await MosquittoBroker.StartAsync("d1");
        using var relay = new TcpRelay(broker.Port);

        // Given a device connected through a link we can cut
        await using var device = await TestClients.StartAsync(TestClients.Device(relay.Port, "d1", _temp.Combine("d1"), _passwordFile));
        device.BirthProvider = () => new StatusMessage { Versions = new DeviceVersions { App = "1.2.3", OnnxRuntime = "1.31.1", Bundle = "line3", Head = 4 }, ExecutionProvider = "cpu" };

        // Then a fleet client that subscribes later still gets the retained birth
        var sink = new MessageSink();
        await using var fleet = await StartFleetAsync(broker, sink);
        await fleet.SubscribeFleetAsync(TopicKind.Status);
        var birth = Status(await sink.WaitForAsync(m => m.Retain, Wait));
        Assert.Equal(DeviceState.Online, birth.State);
        Assert.True(birth.Seq > 0);

        // When the link dies without a DISCONNECT (power loss, kill -9)
        relay.DropAll();

        // Then the broker publishes the last will: offline, retained for late subscribers
        var will = Status(await sink.WaitForAsync(m => Status(m).State == DeviceState.Offline, Wait));
        Assert.Equal("last-will", will.Reason);
        var lateSink = new MessageSink();
        await using (var late = await StartFleetAsync(broker, lateSink))
        {
            await late.SubscribeFleetAsync(TopicKind.Status);
            var retained = await lateSink.WaitForAsync(m => m.Retain, Wait);
            Assert.True(Status(retained).State is DeviceState.Offline or DeviceState.Online);
        }

        // And on reconnect the device announces a new birth with a higher seq (seen by the fleet client still
        // subscribed: the late one is gone, and the device may reconnect before or after it subscribed)
        await sink.WaitForAsync(m => Status(m) is { State: DeviceState.Online } s && s.Seq > will.Seq, Wait);

        // (the transport counts a connection once its handler has published the birth, so the count may trail it)
        await Eventually.TrueAsync(() => device.ConnectCount >= 2, "the device's reconnection counted");
    }

    [MosquittoFact]
    public async Task CleanShutdown_PublishesOffline_WithoutTheWill()
    {
        await using var broker = await MosquittoBroker.StartAsync("d1");
        var sink = new MessageSink();
        await using var fleet = await StartFleetAsync(broker, sink);
        await fleet.SubscribeFleetAsync(TopicKind.Status);
        var device = await TestClients.StartAsync(TestClients.Device(broker.Port, "d1", _temp.Combine("d1"), _passwordFile));
        await sink.WaitForAsync(m => Status(m).State == DeviceState.Online, Wait);

        await device.DisposeAsync();

        var death = Status(await sink.WaitForAsync(m => Status(m).State == DeviceState.Offline, Wait));
        Assert.Equal("shutdown", death.Reason);
        await Task.Delay(300);
        Assert.DoesNotContain(sink.Snapshot(), m => Status(m).Reason == "last-will");
    }

    [MosquittoFact]
    public async Task Acl_StopsADeviceFromCommandingAnother_AndAnonymousClients()
    {
        await using var broker = await MosquittoBroker.StartAsync("d1", "d2");
        var sink = new MessageSink();
        await using var fleet = await StartFleetAsync(broker, sink);
        await fleet.SubscribeAsync("edgetransfer/v1/plant1/+/cmd/#");
        await using var d1 = await TestClients.StartAsync(TestClients.Device(broker.Port, "d1", _temp.Combine("d1"), _passwordFile));

        // When d1 publishes a command to d2, the broker drops it (Mosquitto 2.0 acknowledges a denied
        // QoS 1 publish and discards it; newer versions answer PUBACK 0x87, which PublishAsync reports)
        try
        {
            await d1.PublishAsync("edgetransfer/v1/plant1/d2/cmd/rollback", Encoding.UTF8.GetBytes("""{"schema":"edgetransfer/v1"}"""));
        }
        catch (BrokerConnectionException refused)
        {
            Assert.Contains("ACL", refused.Message, StringComparison.Ordinal);
        }

        // And nothing reaches d2's command topic, while the fleet role may publish there
        await fleet.PublishAsync("edgetransfer/v1/plant1/d2/cmd/status", Encoding.UTF8.GetBytes("""{"schema":"edgetransfer/v1"}"""));
        await sink.WaitForAsync(m => m.Topic.EndsWith("/cmd/status", StringComparison.Ordinal), Wait);
        Assert.DoesNotContain(sink.Snapshot(), m => m.Topic.EndsWith("/cmd/rollback", StringComparison.Ordinal));

        // And a device that subscribes to another device's commands receives none of them (Mosquitto
        // 2.0 grants the SUBSCRIBE and filters each delivery by the read rule; newer ones refuse it)
        var spy = new MessageSink();
        d1.MessageHandler = spy.HandleAsync;
        try
        {
            await d1.SubscribeAsync("edgetransfer/v1/plant1/d2/cmd/#");
        }
        catch (BrokerConnectionException)
        {
        }

        await fleet.PublishAsync("edgetransfer/v1/plant1/d2/cmd/label", Encoding.UTF8.GetBytes("""{"schema":"edgetransfer/v1","label":"ok"}"""));
        await sink.WaitForAsync(m => m.Topic.EndsWith("/cmd/label", StringComparison.Ordinal), Wait);
        await Task.Delay(300);
        Assert.Empty(spy.Snapshot());

        // And anonymous or wrong-password clients are refused at CONNECT
        foreach (var (user, password) in new[] { ((string?)null, (string?)null), ("d1", "wrong") })
        {
            using var raw = new MqttClientFactory().CreateMqttClient();
            var builder = new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", broker.Port).WithProtocolVersion(MqttProtocolVersion.V500);
            if (user is not null)
            {
                builder = builder.WithCredentials(user, password);
            }

            var failed = false;
            try
            {
                var result = await raw.ConnectAsync(builder.Build());
                failed = result.ResultCode != MqttClientConnectResultCode.Success;
            }
            catch (MQTTnet.Adapter.MqttConnectingFailedException)
            {
                failed = true;
            }

            Assert.True(failed, $"user {user ?? "(anonymous)"} was let in");
        }
    }

    [MosquittoFact]
    public async Task Deployment_InterruptedHalfWay_Resumes_AndATamperedChunkIsRefused()
    {
        await using var broker = await MosquittoBroker.StartAsync("d1");
        using var agent = new TestDevice("d1", _temp.Combine("staging"));
        await using var device = new MqttConnection(TestClients.Device(broker.Port, "d1", _temp.Combine("d1"), _passwordFile));
        device.UseCommands(agent.Router);
        await device.StartAsync();
        await device.WaitConnectedAsync(new CancellationTokenSource(Wait).Token);
        var archive = _temp.Combine("bundle.tar");
        var bytes = new byte[(6 * 16 * 1024) + 777];
        new Random(3).NextBytes(bytes);
        File.WriteAllBytes(archive, bytes);
        var plan = BundleChunker.Plan(archive, "dep-42", 16 * 1024, "line3");

        // Given a fleet tool that sent the plan and half the chunks, one of them tampered, then lost its connection
        await using (var first = await StartFleetAsync(broker, new MessageSink()))
        {
            Assert.True((await first.SendCommandAsync("d1", "deploy", ProtocolJson.Serialize(plan), Wait)).Ok);
            for (var i = 0; i < 3; i++)
            {
                var data = BundleChunker.ReadChunk(archive, plan.ChunkSize, i);
                if (i == 1)
                {
                    data[100] ^= 0xFF;
                }

                var reply = await first.SendCommandAsync("d1", "deploy-chunk", new DeployChunkRequest { Schema = DeviceMessage.SchemaVersion, DeploymentId = plan.DeploymentId, Index = i, Data = BundleChunker.EncodeChunk(data) }, Wait);
                Assert.Equal(i != 1, reply.Ok);
                if (i == 1)
                {
                    Assert.Equal(CommandErrorCodes.DigestMismatch, reply.Error!.Code);
                }
            }
        }

        Assert.Empty(agent.Installed);

        // When a new fleet connection sends the same plan again
        await using var second = await StartFleetAsync(broker, new MessageSink());
        var sender = new BundleSender(second, Wait);
        var status = await sender.SendAsync("d1", archive, plan);

        // Then only the missing chunks travel (the tampered one among them) and the archive is handed over once
        Assert.True(status.Complete);
        Assert.Equal(plan.Chunks.Count - 2, sender.ChunksSent);
        var installed = Assert.Single(agent.Installed);
        Assert.Equal(plan.Sha256, Artifacts.IO.Sha256.OfFile(installed.ArchivePath));
    }

    [MosquittoFact]
    public async Task Outbox_BrokerOutage_EverySeqArrives_NoGap()
    {
        var outage = TimeSpan.FromSeconds(int.TryParse(Environment.GetEnvironmentVariable("EDGETRANSFER_MQTT_OUTAGE_SECONDS"), out var s) ? s : 6);
        await using var broker = await MosquittoBroker.StartAsync("d1");

        // Given a fleet consumer with a persistent session (QoS 1) and a device producing telemetry
        var sink = new MessageSink();
        await using var fleet = await StartFleetAsync(broker, sink, clientId: "fleet-consumer-1");
        await fleet.SubscribeFleetAsync(TopicKind.Telemetry);
        await fleet.SubscribeFleetAsync(TopicKind.Status);
        await using var device = await TestClients.StartAsync(TestClients.Device(broker.Port, "d1", _temp.Combine("d1"), _passwordFile));
        using var producing = new CancellationTokenSource();
        var seqs = new List<long>();
        var producer = Task.Run(async () =>
        {
            var frames = 0L;
            while (!producing.IsCancellationRequested)
            {
                seqs.Add(device.Enqueue(new TelemetryMessage { Frames = frames += 7, CpuPercent = 12.5 }).Seq);
                await Task.Delay(50);
            }
        });

        // When the broker goes away for a while and comes back
        await Task.Delay(1000);
        await broker.StopAsync();
        await Task.Delay(outage);
        Assert.False(device.IsConnected);
        Assert.True(device.Outbox!.Count > 0, "the device kept producing into its outbox");
        await broker.StartProcessAsync();
        await Task.Delay(1000);
        await producing.CancelAsync();
        await producer;

        // Then the fleet sees every telemetry seq, in order of first arrival; with the birth that the
        // reconnect announced, the device's sequence has no gap at all
        var expected = seqs.ToHashSet();
        await sink.WaitUntilAsync(ms => expected.IsSubsetOf(ms.Where(IsTelemetry).Select(m => Telemetry(m).Seq)), TimeSpan.FromSeconds(30));
        var telemetry = sink.Snapshot().Where(IsTelemetry).Select(m => Telemetry(m).Seq).Distinct().ToList();
        Assert.Equal(telemetry.Order(), telemetry);
        var all = sink.Snapshot().Select(m => IsTelemetry(m) ? Telemetry(m).Seq : Status(m).Seq).Where(q => q >= seqs[0] && q <= seqs[^1]).ToHashSet();
        Assert.Equal(seqs[^1] - seqs[0] + 1, all.Count);
        Assert.Contains(sink.Snapshot(), m => !IsTelemetry(m) && Status(m).Seq > seqs[0] && Status(m).State == DeviceState.Online);
        Assert.Equal(0, device.Outbox.Statistics.Dropped);
    }

    private Task<MqttConnection> StartFleetAsync(MosquittoBroker broker, MessageSink sink, string? clientId = null)
    {
        var options = TestClients.FleetSide(broker.Port, _passwordFile, clientId);
        return StartWithHandlerAsync(options, sink);
    }

    private static async Task<MqttConnection> StartWithHandlerAsync(MqttConnectionOptions options, MessageSink sink)
    {
        var connection = new MqttConnection(options) { MessageHandler = sink.HandleAsync };
        await connection.StartAsync();
        await connection.WaitConnectedAsync(new CancellationTokenSource(Wait).Token);
        return connection;
    }

    private static bool IsTelemetry(ReceivedMessage message) => message.DeviceTopic?.Kind == TopicKind.Telemetry;

    private static StatusMessage Status(ReceivedMessage message) => JsonSerializer.Deserialize(message.Payload.Span, ProtocolJson.InfoOf<StatusMessage>())!;

    private static TelemetryMessage Telemetry(ReceivedMessage message) => JsonSerializer.Deserialize(message.Payload.Span, ProtocolJson.InfoOf<TelemetryMessage>())!;
}
