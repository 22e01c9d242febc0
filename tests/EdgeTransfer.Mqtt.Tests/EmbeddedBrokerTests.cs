using System.Net;
using System.Net.Sockets;
using EdgeTransfer.Mqtt.Broker;
using EdgeTransfer.Mqtt.Client;
using EdgeTransfer.Mqtt.Commands;
using EdgeTransfer.Mqtt.Protocol;
using EdgeTransfer.Mqtt.Tests.Infrastructure;
using EdgeTransfer.Testing;

namespace EdgeTransfer.Mqtt.Tests;

public sealed class EmbeddedBrokerTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task PortZero_PicksAFreePort_AndServesTheProtocol()
    {
        // Given an embedded broker on a free loopback port
        await using var broker = await EmbeddedBroker.StartAsync(new EmbeddedBrokerOptions { Port = 0 });
        Assert.NotEqual(0, broker.Port);
        using var agent = new TestDevice("d1", _temp.Combine("staging"));
        await using var device = new MqttConnection(TestClients.Device(broker.Port, "d1", _temp.Combine("d1"), passwordFile: null));
        device.UseCommands(agent.Router);
        await device.StartAsync();
        await device.WaitConnectedAsync(new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token);
        var sink = new MessageSink();
        await using var fleet = new MqttConnection(TestClients.FleetSide(broker.Port, passwordFile: null)) { MessageHandler = sink.HandleAsync };
        await fleet.StartAsync();
        await fleet.WaitConnectedAsync(new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token);

        // When the fleet watches status and sends a command
        await fleet.SubscribeFleetAsync(TopicKind.Status);
        var reply = await fleet.SendCommandAsync("d1", "rollback", new RollbackRequest { Schema = DeviceMessage.SchemaVersion, HeadVersion = 2 }, TimeSpan.FromSeconds(10));

        // Then the retained birth arrives and the command is answered
        await sink.WaitForAsync(m => m.DeviceTopic?.Kind == TopicKind.Status, TimeSpan.FromSeconds(10));
        Assert.True(reply.Ok, reply.Error?.Message);
    }

    [Fact]
    public async Task Users_AreChecked()
    {
        await using var broker = await EmbeddedBroker.StartAsync(new EmbeddedBrokerOptions { Port = 0, Users = new Dictionary<string, string> { ["fleet"] = "pw" } });
        var passwordFile = _temp.Combine("pw");
        File.WriteAllText(passwordFile, "wrong\n");
        await using var fleet = new MqttConnection(TestClients.FleetSide(broker.Port, passwordFile));
        await fleet.StartAsync();

        await Assert.ThrowsAsync<TimeoutException>(() => fleet.WaitConnectedAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(1)));
        File.WriteAllText(passwordFile, "pw\n");
        await fleet.WaitConnectedAsync(new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token);
    }

    [Fact]
    public async Task Default_ListensOnIPv4LoopbackOnly_NotOnIPv6()
    {
        await using var broker = await EmbeddedBroker.StartAsync(new EmbeddedBrokerOptions { Port = 0 });

        Assert.Equal(IPAddress.Loopback, broker.Address);
        Assert.True(await CanConnectAsync(IPAddress.Loopback, broker.Port), "the printed address must work");
        Assert.False(await CanConnectAsync(IPAddress.IPv6Loopback, broker.Port), $"[::1]:{broker.Port} must not be open");
    }

    [Fact]
    public async Task IPv6Loopback_ListensThereOnly()
    {
        await using var broker = await EmbeddedBroker.StartAsync(new EmbeddedBrokerOptions { Port = 0, BindAddress = IPAddress.IPv6Loopback });

        Assert.True(await CanConnectAsync(IPAddress.IPv6Loopback, broker.Port));
        Assert.False(await CanConnectAsync(IPAddress.Loopback, broker.Port), $"127.0.0.1:{broker.Port} must not be open");
    }

    [Theory]
    [InlineData("0.0.0.0")]
    [InlineData("::")]
    public async Task BeyondLoopback_WithoutUsers_IsRefused(string address)
    {
        var error = await Assert.ThrowsAsync<InvalidSettingException>(() => EmbeddedBroker.StartAsync(new EmbeddedBrokerOptions { Port = 0, BindAddress = IPAddress.Parse(address) }));

        Assert.Equal("broker.bind", error.Setting);
        Assert.Contains("users", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnyIPv4_WithUsers_OpensNoIPv6Listener()
    {
        await using var broker = await EmbeddedBroker.StartAsync(new EmbeddedBrokerOptions { Port = 0, BindAddress = IPAddress.Any, Users = new Dictionary<string, string> { ["fleet"] = "pw" } });

        Assert.True(await CanConnectAsync(IPAddress.Loopback, broker.Port));
        Assert.False(await CanConnectAsync(IPAddress.IPv6Loopback, broker.Port), "asked for IPv4 only, got [::] too");
    }

    [Fact]
    public async Task Port_InUse_IsAClearError()
    {
        await using var first = await EmbeddedBroker.StartAsync(new EmbeddedBrokerOptions { Port = 0 });

        var error = await Assert.ThrowsAsync<InvalidSettingException>(() => EmbeddedBroker.StartAsync(new EmbeddedBrokerOptions { Port = first.Port }));

        Assert.Equal("broker.port", error.Setting);
    }

    private static async Task<bool> CanConnectAsync(IPAddress address, int port)
    {
        using var client = new TcpClient(address.AddressFamily);
        try
        {
            await client.ConnectAsync(address, port).WaitAsync(TimeSpan.FromSeconds(5));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
