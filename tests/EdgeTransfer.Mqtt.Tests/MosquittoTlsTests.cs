using EdgeTransfer.Mqtt.Client;
using EdgeTransfer.Mqtt.Tests.Infrastructure;
using EdgeTransfer.Testing;
using Microsoft.Extensions.Logging;

namespace EdgeTransfer.Mqtt.Tests;

public sealed class MosquittoTlsTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [MosquittoFact]
    public async Task Device_ConnectsOverTls_TrustingOnlyTheConfiguredCa()
    {
        // Given a TLS broker with its own CA
        await using var broker = await MosquittoBroker.StartAsync(tls: true, "d1");
        var password = _temp.Combine("password");
        File.WriteAllText(password, MosquittoBroker.Password);
        var options = TestClients.Device(broker.Port, "d1", _temp.Combine("d1"), password);
        options.Tls = new MqttTlsSettings { CaFile = Path.Combine(broker.Directory, "ca.crt"), TargetHost = "localhost" };

        // When the device connects with that CA, it is in
        await using (var device = await TestClients.StartAsync(options))
        {
            Assert.True(device.IsConnected);
        }

        // And with another CA (a man in the middle's), it never connects
        var otherDirectory = _temp.Combine("other");
        Directory.CreateDirectory(otherDirectory);
        TestCertificates.WriteBrokerFiles(otherDirectory);
        options.Tls = new MqttTlsSettings { CaFile = Path.Combine(otherDirectory, "ca.crt"), TargetHost = "localhost" };
        options.StateDirectory = _temp.Combine("d1b");
        var log = new ListLogger();
        await using var impostor = new MqttConnection(options, log);
        await impostor.StartAsync();
        await Assert.ThrowsAsync<TimeoutException>(() => impostor.WaitConnectedAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(2)));

        // And the log says why, in one line: the broker's certificate does not lead to the configured CA
        var warning = await log.WaitForAsync(LogLevel.Warning, t => t.StartsWith("Cannot connect to MQTT broker", StringComparison.Ordinal), TimeSpan.FromSeconds(20));
        Assert.Contains("does not lead to the CA in mqtt.tls.caFile", warning, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", warning, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_NameTheBadSetting()
    {
        var options = TestClients.Device(1883, "d1", _temp.Combine("d1"), null);
        options.Tls = new MqttTlsSettings { CaFile = "ca.crt", ClientCertificateFile = "c.crt" };
        Assert.Equal("mqtt.tls.clientKey", Assert.Throws<InvalidSettingException>(() => new MqttConnection(options)).Setting);

        options.Tls = null;
        options.DeviceId = "../x";
        Assert.Equal("device.id", Assert.Throws<InvalidSettingException>(() => new MqttConnection(options)).Setting);

        options = TestClients.FleetSide(1883, passwordFile: "pw");
        options.Username = null;
        Assert.Equal("mqtt.passwordFile", Assert.Throws<InvalidSettingException>(() => new MqttConnection(options)).Setting);
    }
}
