using EdgeTransfer.Mqtt.Client;

namespace EdgeTransfer.Mqtt.Tests.Infrastructure;

/// <summary>Connection options for tests against a loopback broker, with fast reconnects.</summary>
public static class TestClients
{
    public const string Fleet = "plant1";

    public static MqttConnectionOptions Device(int port, string device, string stateDirectory, string? passwordFile) => new()
    {
        Role = ConnectionRole.Device,
        Port = port,
        Fleet = Fleet,
        DeviceId = device,
        Username = passwordFile is null ? null : $"{Fleet}/{device}",
        PasswordFile = passwordFile,
        StateDirectory = stateDirectory,
        KeepAlive = TimeSpan.FromSeconds(5),
        ConnectTimeout = TimeSpan.FromSeconds(3),
        ReconnectMinDelay = TimeSpan.FromMilliseconds(100),
        ReconnectMaxDelay = TimeSpan.FromMilliseconds(800),
    };

    public static MqttConnectionOptions FleetSide(int port, string? passwordFile, string? clientId = null, string? group = null) => new()
    {
        Role = ConnectionRole.Fleet,
        Port = port,
        Fleet = Fleet,
        ClientId = clientId,
        Username = passwordFile is null ? null : "fleet",
        PasswordFile = passwordFile,
        SharedSubscriptionGroup = group,
        KeepAlive = TimeSpan.FromSeconds(5),
        ConnectTimeout = TimeSpan.FromSeconds(3),
        ReconnectMinDelay = TimeSpan.FromMilliseconds(100),
        ReconnectMaxDelay = TimeSpan.FromMilliseconds(800),
    };

    public static async Task<MqttConnection> StartAsync(MqttConnectionOptions options)
    {
        var connection = new MqttConnection(options);
        await connection.StartAsync();
        await connection.WaitConnectedAsync(new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token);
        return connection;
    }
}
