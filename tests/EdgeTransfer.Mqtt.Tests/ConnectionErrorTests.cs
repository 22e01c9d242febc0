using EdgeTransfer.Mqtt.Broker;
using EdgeTransfer.Mqtt.Client;
using EdgeTransfer.Mqtt.Tests.Infrastructure;
using EdgeTransfer.Testing;
using Microsoft.Extensions.Logging;

namespace EdgeTransfer.Mqtt.Tests;

/// <summary>Credentials that cannot work fail loudly: at start when a file cannot be used, in the log at Error when the broker refuses.</summary>
public sealed class ConnectionErrorTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task UnreadableCaFile_FailsAtStart_NamingTheSettingAndFile()
    {
        var options = TestClients.Device(1883, "d1", _temp.Combine("d1"), null);
        var missing = _temp.Combine("no-such-ca.crt");
        options.Tls = new MqttTlsSettings { CaFile = missing };
        await using var device = new MqttConnection(options);

        var error = await Assert.ThrowsAsync<InvalidSettingException>(() => device.StartAsync());

        Assert.Equal("mqtt.tls.caFile", error.Setting);
        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CaFileWithoutCertificate_FailsAtStart()
    {
        var notPem = _temp.Combine("ca.crt");
        File.WriteAllText(notPem, "this is not a certificate\n");
        var options = TestClients.Device(1883, "d1", _temp.Combine("d1"), null);
        options.Tls = new MqttTlsSettings { CaFile = notPem };
        await using var device = new MqttConnection(options);

        var error = await Assert.ThrowsAsync<InvalidSettingException>(() => device.StartAsync());

        Assert.Equal("mqtt.tls.caFile", error.Setting);
        Assert.Contains("no PEM certificate", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingPasswordFile_FailsAtStart()
    {
        await using var device = new MqttConnection(TestClients.Device(1883, "d1", _temp.Combine("d1"), _temp.Combine("no-such-password")));

        var error = await Assert.ThrowsAsync<InvalidSettingException>(() => device.StartAsync());

        Assert.Equal("mqtt.passwordFile", error.Setting);
    }

    [Fact]
    public async Task WrongPassword_IsAnErrorInTheLog_NamingUserAndPasswordFile()
    {
        // Given a broker that knows plant1/d1 with another password
        await using var broker = await EmbeddedBroker.StartAsync(new EmbeddedBrokerOptions { Port = 0, Users = new Dictionary<string, string> { ["plant1/d1"] = "right" } });
        var passwordFile = _temp.Combine("password");
        File.WriteAllText(passwordFile, "wrong\n");
        var log = new ListLogger();

        // When the device starts with the wrong password
        await using var device = new MqttConnection(TestClients.Device(broker.Port, "d1", _temp.Combine("d1"), passwordFile), log);
        await device.StartAsync();

        // Then the log says so at Error level, with the user and the file to fix, and it stays unconnected
        var entry = await log.WaitForAsync(LogLevel.Error, t => t.Contains("wrong user name or password", StringComparison.Ordinal), TimeSpan.FromSeconds(20));
        Assert.Contains("plant1/d1", entry, StringComparison.Ordinal);
        Assert.Contains(passwordFile, entry, StringComparison.Ordinal);
        Assert.False(device.IsConnected);

        // And fixing the file is enough: it is read again at the next attempt
        File.WriteAllText(passwordFile, "right\n");
        await device.WaitConnectedAsync(new CancellationTokenSource(TimeSpan.FromSeconds(20)).Token);
    }
}
