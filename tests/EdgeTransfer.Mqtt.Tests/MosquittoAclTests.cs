using System.Text;
using EdgeTransfer.Mqtt.Client;
using EdgeTransfer.Mqtt.Tests.Infrastructure;
using EdgeTransfer.Testing;

namespace EdgeTransfer.Mqtt.Tests;

/// <summary>The shipped ACL (devices/mosquitto/acl) on a real Mosquitto: a device reaches its own fleet's topics only.</summary>
public sealed class MosquittoAclTests : IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(40);
    private readonly TempDirectory _temp = new();
    private readonly string _passwordFile;

    public MosquittoAclTests()
    {
        _passwordFile = _temp.Combine("password");
        File.WriteAllText(_passwordFile, MosquittoBroker.Password + "\n");
    }

    public void Dispose() => _temp.Dispose();

    [MosquittoFact]
    public async Task Device_CannotReadOrPublish_InAnotherFleet_UnderItsOwnId()
    {
        // Given cam1 of plant1 and cam1 of plant2 on one broker (users "plant1/cam1" and "plant2/cam1")
        await using var broker = await MosquittoBroker.StartAsync("cam1", "plant2/cam1");
        var all = new MessageSink();
        await using var fleet = new MqttConnection(TestClients.FleetSide(broker.Port, _passwordFile)) { MessageHandler = all.HandleAsync };
        await fleet.StartAsync();
        await fleet.WaitConnectedAsync(new CancellationTokenSource(Wait).Token);
        await fleet.SubscribeAsync("edgetransfer/v1/#");
        var spy = new MessageSink();
        await using var cam1 = new MqttConnection(TestClients.Device(broker.Port, "cam1", _temp.Combine("cam1"), _passwordFile)) { MessageHandler = spy.HandleAsync };
        await cam1.StartAsync();
        await cam1.WaitConnectedAsync(new CancellationTokenSource(Wait).Token);
        var other = new MessageSink();
        var otherOptions = TestClients.Device(broker.Port, "cam1", _temp.Combine("plant2-cam1"), _passwordFile);
        otherOptions.Fleet = "plant2";
        otherOptions.Username = "plant2/cam1";
        await using var plant2Cam1 = new MqttConnection(otherOptions) { MessageHandler = other.HandleAsync };
        await plant2Cam1.StartAsync();
        await plant2Cam1.WaitConnectedAsync(new CancellationTokenSource(Wait).Token);
        await plant2Cam1.SubscribeAsync("edgetransfer/v1/plant2/cam1/cmd/#");

        // When plant1's cam1 subscribes to plant2/cam1's commands (Mosquitto 2.0 grants the SUBSCRIBE and
        // filters every delivery by the read rule; newer versions refuse it) and the fleet sends one there
        try
        {
            await cam1.SubscribeAsync("edgetransfer/v1/plant2/cam1/cmd/#");
        }
        catch (BrokerConnectionException)
        {
        }

        await fleet.PublishAsync("edgetransfer/v1/plant2/cam1/cmd/deploy", Encoding.UTF8.GetBytes("""{"schema":"edgetransfer/v1"}"""));

        // And plant1's cam1 publishes a status for cam1 in other fleets (a denied QoS 1 publish is
        // acknowledged and dropped by Mosquitto 2.0, refused with PUBACK 0x87 by newer ones)
        foreach (var topic in new[] { "edgetransfer/v1/otherfleet/cam1/status", "edgetransfer/v1/plant2/cam1/status" })
        {
            try
            {
                await cam1.PublishAsync(topic, Encoding.UTF8.GetBytes("""{"state":"online","reason":"forged","schema":"edgetransfer/v1","seq":1}"""));
            }
            catch (BrokerConnectionException refused)
            {
                Assert.Contains("ACL", refused.Message, StringComparison.Ordinal);
            }
        }

        await cam1.PublishAsync("edgetransfer/v1/plant1/cam1/telemetry", Encoding.UTF8.GetBytes("""{"frames":1,"schema":"edgetransfer/v1","seq":2}"""));

        // Then the command reaches plant2's cam1 only, and only plant1/cam1's own publish goes through
        await other.WaitForAsync(m => m.Topic == "edgetransfer/v1/plant2/cam1/cmd/deploy", Wait);
        await all.WaitForAsync(m => m.Topic == "edgetransfer/v1/plant1/cam1/telemetry", Wait);
        await Task.Delay(500);
        Assert.Empty(spy.Snapshot());
        Assert.DoesNotContain(all.Snapshot(), m => m.Topic.StartsWith("edgetransfer/v1/otherfleet/", StringComparison.Ordinal));
        Assert.DoesNotContain(all.Snapshot(), m => Encoding.UTF8.GetString(m.Payload.Span).Contains("forged", StringComparison.Ordinal));
    }
}
