using System.Text;
using EdgeTransfer.Mqtt.Broker;
using EdgeTransfer.Mqtt.Client;
using EdgeTransfer.Mqtt.Commands;
using EdgeTransfer.Mqtt.Protocol;
using EdgeTransfer.Mqtt.Tests.Infrastructure;
using EdgeTransfer.Testing;

namespace EdgeTransfer.Mqtt.Tests;

/// <summary>A command published with the retain flag never runs: not on connect, not on any reconnect or restart.</summary>
public sealed class RetainedCommandTests : IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(40);
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [MosquittoFact]
    public async Task RetainedLabel_NeverRuns_AcrossReconnects_OnMosquitto()
    {
        await using var broker = await MosquittoBroker.StartAsync("d1");
        var password = _temp.Combine("password");
        File.WriteAllText(password, MosquittoBroker.Password + "\n");

        await AssertRetainedLabelNeverRunsAsync(broker.Port, password);
    }

    [Fact]
    public async Task RetainedLabel_NeverRuns_AcrossReconnects_OnTheEmbeddedBroker()
    {
        await using var broker = await EmbeddedBroker.StartAsync(new EmbeddedBrokerOptions { Port = 0 });

        await AssertRetainedLabelNeverRunsAsync(broker.Port, passwordFile: null);
    }

    [Fact]
    public async Task RetainedRequest_IsRefusedWithAReason_AndReachesNoHandler()
    {
        using var agent = new TestDevice("d1", _temp.Combine("staging"));

        var dispatch = await agent.Router.DispatchAsync(
            new IncomingCommand
            {
                Topic = "edgetransfer/v1/plant1/d1/cmd/rollback",
                Payload = Encoding.UTF8.GetBytes("""{"schema":"edgetransfer/v1"}"""),
                ResponseTopic = "edgetransfer/v1/plant1/d1/reply/rollback",
                CorrelationData = new byte[] { 7 },
                Retained = true,
            },
            CancellationToken.None);

        Assert.False(dispatch.Reply.Ok);
        Assert.Equal(CommandErrorCodes.RetainedRefused, dispatch.Reply.Error!.Code);
        Assert.Contains("retain", dispatch.Reply.Error.Message, StringComparison.Ordinal);
        Assert.Equal(new byte[] { 7 }, dispatch.CorrelationData);
        Assert.Equal(0, agent.Changes);
    }

    private async Task AssertRetainedLabelNeverRunsAsync(int port, string? passwordFile)
    {
        using var agent = new TestDevice("d1", _temp.Combine("staging"));
        await using var fleet = await TestClients.StartAsync(TestClients.FleetSide(port, passwordFile));

        // Given a label command that a careless tool published with the retain flag: the broker stores it
        await fleet.PublishAsync(
            "edgetransfer/v1/plant1/d1/cmd/label",
            Encoding.UTF8.GetBytes("""{"schema":"edgetransfer/v1","label":"scratch"}"""),
            new PublishSettings { Retain = true, ResponseTopic = "edgetransfer/v1/plant1/d1/reply/label", CorrelationData = Guid.NewGuid().ToByteArray() });

        // When the device connects, goes away and comes back, three times
        for (var connect = 0; connect < 3; connect++)
        {
            await using var device = new MqttConnection(TestClients.Device(port, "d1", _temp.Combine("d1"), passwordFile));
            device.UseCommands(agent.Router);
            await device.StartAsync();
            await device.WaitConnectedAsync(new CancellationTokenSource(Wait).Token);

            // (a request sent now is handled after anything the new subscription delivered)
            var status = await fleet.SendCommandAsync("d1", "status", new StatusRequest { Schema = DeviceMessage.SchemaVersion }, Wait);
            Assert.True(status.Ok, status.Error?.Message);
        }

        // Then the retained label never ran: no sample was added
        Assert.Equal(0, agent.Changes);
    }
}
