using System.Text;
using EdgeTransfer.Mqtt.Broker;
using EdgeTransfer.Mqtt.Client;
using EdgeTransfer.Mqtt.Commands;
using EdgeTransfer.Mqtt.Protocol;
using EdgeTransfer.Mqtt.Tests.Infrastructure;
using EdgeTransfer.Testing;

namespace EdgeTransfer.Mqtt.Tests;

/// <summary>A device takes packets up to its largest legal command and holds a bounded amount of command work.</summary>
public sealed class PacketLimitTests : IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(40);
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task DevicePacketLimit_IsTheLargestLegalCommand_PlusMqttFields()
    {
        using var router = new CommandRouter("plant1", "d1");
        new Deployment.DeploymentReceiver(new Deployment.DeploymentReceiverOptions { StagingDirectory = _temp.Combine("s2") }, (b, t) => ValueTask.FromResult(CommandResult.Empty))
            .Register(router, Deployment.BundleChunker.MaxChunkSize);

        await using var device = new MqttConnection(TestClients.Device(1883, "d1", _temp.Combine("d1"), null));
        device.UseCommands(router);

        // The largest command is one full 1 MiB chunk as base64url in JSON (~1.4 MB), not the old 16 MiB
        Assert.Equal(Deployment.BundleChunker.ChunkPayloadLimit(Deployment.BundleChunker.MaxChunkSize), router.LargestPayloadBytes);
        Assert.Equal(router.LargestPayloadBytes + CommandIntake.PacketOverheadBytes, device.MaxPacketBytes);
        Assert.InRange(device.MaxPacketBytes, 1_398_000, 1_500_000);
    }

    [MosquittoFact]
    public async Task OversizePacket_IsNeverDelivered_AndTheDeviceKeepsWorking()
    {
        await using var broker = await MosquittoBroker.StartAsync("d1");
        var password = _temp.Combine("password");
        File.WriteAllText(password, MosquittoBroker.Password + "\n");
        await OversizeIsNeverDeliveredAsync(broker.Port, password);
    }

    [Fact]
    public async Task OversizePacket_IsNeverDelivered_ByTheEmbeddedBroker_AndTheDeviceKeepsWorking()
    {
        // MQTTnet's server forwarded it: 40 bodies of 15 MB took a device from 143 MB to 559 MB RSS.
        await using var broker = await EmbeddedBroker.StartAsync(new EmbeddedBrokerOptions { Port = 0 });
        await OversizeIsNeverDeliveredAsync(broker.Port, null);
    }

    private async Task OversizeIsNeverDeliveredAsync(int port, string? password)
    {
        using var agent = new TestDevice("d1", _temp.Combine("staging"));
        await using var device = new MqttConnection(TestClients.Device(port, "d1", _temp.Combine("d1"), password));
        device.UseCommands(agent.Router);
        await device.StartAsync();
        await device.WaitConnectedAsync(new CancellationTokenSource(Wait).Token);
        var sink = new MessageSink();
        await using var fleet = new MqttConnection(TestClients.FleetSide(port, password)) { MessageHandler = sink.HandleAsync };
        await fleet.StartAsync();
        await fleet.WaitConnectedAsync(new CancellationTokenSource(Wait).Token);
        await fleet.SubscribeAsync("edgetransfer/v1/plant1/d1/reply/#");

        // When a label request larger than the packet limit the device announced is published
        var oversize = Guid.NewGuid().ToByteArray();
        await fleet.PublishAsync("edgetransfer/v1/plant1/d1/cmd/label", Padded(device.MaxPacketBytes + 1), new PublishSettings { ResponseTopic = "edgetransfer/v1/plant1/d1/reply/label", CorrelationData = oversize });

        // And one over the label limit but under the packet limit
        var overLabel = Guid.NewGuid().ToByteArray();
        await fleet.PublishAsync("edgetransfer/v1/plant1/d1/cmd/label", Padded(agent.Router.Options.MaxPayloadBytes + 1), new PublishSettings { ResponseTopic = "edgetransfer/v1/plant1/d1/reply/label", CorrelationData = overLabel });

        // Then the broker never hands over the first, the second is refused by size, and the device keeps answering
        var refused = await sink.WaitForAsync(m => m.CorrelationData is { } c && c.Span.SequenceEqual(overLabel), Wait);
        Assert.Equal(CommandErrorCodes.PayloadTooLarge, ProtocolJson.Deserialize<CommandReplyMessage>(refused.Payload.Span).Error!.Code);
        var status = await fleet.SendCommandAsync("d1", "status", new StatusRequest { Schema = DeviceMessage.SchemaVersion }, Wait);
        Assert.True(status.Ok);
        await Task.Delay(500);
        Assert.DoesNotContain(sink.Snapshot(), m => m.CorrelationData is { } c && c.Span.SequenceEqual(oversize));
        Assert.Equal(0, agent.Changes);
        Assert.True(device.IsConnected);
    }

    [Fact]
    public async Task LargeRequests_BeyondTheAdmissionLimit_GetBusy_WhileOneRuns()
    {
        await using var broker = await EmbeddedBroker.StartAsync(new EmbeddedBrokerOptions { Port = 0 });
        using var router = new CommandRouter("plant1", "d1");
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var ran = 0;
        router.Register(
            "slow",
            ProtocolJson.InfoOf<StatusRequest>(),
            async (r, c, t) =>
            {
                Interlocked.Increment(ref ran);
                await gate.Task.WaitAsync(t);
                return CommandResult.Empty;
            },
            maxPayloadBytes: 512 * 1024);
        await using var device = new MqttConnection(TestClients.Device(broker.Port, "d1", _temp.Combine("d1"), null));
        device.UseCommands(router);
        await device.StartAsync();
        await device.WaitConnectedAsync(new CancellationTokenSource(Wait).Token);
        await using var fleet = await TestClients.StartAsync(TestClients.FleetSide(broker.Port, null));

        // When four 400 KB requests arrive at once (the intake holds one largest request and 64 KiB more)
        var body = Padded(400 * 1024);
        var sends = Enumerable.Range(0, 4).Select(_ => fleet.SendCommandAsync("d1", "slow", body, Wait)).ToList();

        // Then three are answered busy at once, while the first still runs
        using (var timeout = new CancellationTokenSource(Wait))
        {
            while (sends.Count(s => s.IsCompleted) < 3)
            {
                await Task.Delay(50, timeout.Token);
            }
        }

        var early = sends.Where(s => s.IsCompleted).Select(s => s.Result).ToList();
        Assert.All(early, r => Assert.Equal(CommandErrorCodes.Busy, r.Error?.Code));
        Assert.Equal(1, Volatile.Read(ref ran));

        // And the one admitted finishes normally once it may
        gate.SetResult();
        var replies = await Task.WhenAll(sends);
        Assert.Single(replies, r => r.Ok);
        Assert.Equal(1, ran);

        // And after it, a large request is admitted again
        var again = await fleet.SendCommandAsync("d1", "slow", body, Wait);
        Assert.True(again.Ok, again.Error?.Message);
    }

    /// <summary>A valid request body of exactly <paramref name="size"/> bytes (JSON whitespace fills it up).</summary>
    private static byte[] Padded(int size)
    {
        const string Body = """{"schema":"edgetransfer/v1"}""";
        return Encoding.UTF8.GetBytes(Body[..^1] + new string(' ', size - Body.Length) + "}");
    }
}
