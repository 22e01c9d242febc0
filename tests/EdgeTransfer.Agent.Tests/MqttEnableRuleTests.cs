using EdgeTransfer.Runtime.Configuration;
using EdgeTransfer.Runtime.Loading;

namespace EdgeTransfer.Agent.Tests;

/// <summary>When <c>edgetransfer-device run</c> starts the agent: an <c>mqtt</c> section switches it on unless it says <c>"enabled": false</c>.</summary>
public sealed class MqttEnableRuleTests
{
    [Theory]
    [InlineData("{}", false)]
    [InlineData("""{ "mqtt": { "host": "broker.plant.local" } }""", true)]
    [InlineData("""{ "mqtt": {} }""", true)]
    [InlineData("""{ "mqtt": { "host": "broker.plant.local", "enabled": false } }""", false)]
    [InlineData("""{ "mqtt": { "enabled": true } }""", true)]
    public void MqttSection_DecidesWhetherTheAgentRuns(string json, bool expected)
    {
        var options = DeviceConfigFile.Parse(json);

        Assert.Equal(expected, options.Mqtt.IsEnabled);
    }

    [Fact]
    public void EventSampling_IsValidated()
    {
        var error = Assert.Throws<InvalidSettingException>(() => DeviceConfigFile.Parse("""{ "mqtt": { "events": { "every": -1 } } }"""));

        Assert.Equal("device.json: mqtt.events.every", error.Setting);
    }

    [Fact]
    public void Resolve_KeepsTheConfiguredBundle_WhenNothingWasDeployedOrTheRecordIsDamaged()
    {
        using var temp = new Testing.TempDirectory();
        var options = DeviceConfigFile.Parse("{}", baseDirectory: temp.Path);
        Assert.Same(options, DeployedBundles.Resolve(options));

        // A hand-edited record naming a path instead of a slot is ignored, never followed
        var root = Path.Combine(options.Store.Path, DeployedBundles.DirectoryName);
        Directory.CreateDirectory(root);
        File.WriteAllText(Path.Combine(root, "active.json"), """{"active":"../../etc","previous":"b0001"}""");

        Assert.Same(options, DeployedBundles.Resolve(options));
    }

    [Fact]
    public void MapConnectionOptions_CarriesTheMqttSection_AndRefusesTlsWithoutACa()
    {
        var options = DeviceConfigFile.Parse("""{ "device": { "id": "cam-1", "fleet": "plant" }, "mqtt": { "host": "10.0.0.5", "port": 8883, "username": "cam-1", "outbox": { "maxMessages": 50 } } }""");

        var mapped = DeviceAgent.MapConnectionOptions(options, new DeviceAgentOptions(), "/var/lib/edgetransfer/mqtt");

        Assert.Equal(("10.0.0.5", 8883, "plant", "cam-1", "cam-1", 50), (mapped.Host, mapped.Port, mapped.Fleet, mapped.DeviceId, mapped.Username, mapped.Outbox.MaxMessages));
        options.Mqtt.Tls = new MqttTlsOptions();
        var error = Assert.Throws<InvalidSettingException>(() => DeviceAgent.MapConnectionOptions(options, new DeviceAgentOptions(), "/tmp"));
        Assert.Equal("mqtt.tls.caFile", error.Setting);
    }
}
