using EdgeTransfer.Mqtt.Protocol;

namespace EdgeTransfer.Mqtt.Tests;

public sealed class ProtocolTests
{
    [Theory]
    [InlineData("line3-cam1", true)]
    [InlineData("Plant_1.a", true)]
    [InlineData("", false)]
    [InlineData("-start", false)]
    [InlineData("a/b", false)]
    [InlineData("a+b", false)]
    [InlineData("a#", false)]
    [InlineData("..", false)]
    [InlineData("a..b", false)]
    [InlineData("a b", false)]
    [InlineData("ä", false)]
    [InlineData("a\u0000", false)]
    public void IsValidId_AllowsOnlyTheSafeCharset(string id, bool valid) => Assert.Equal(valid, ProtocolIds.IsValidId(id));

    [Fact]
    public void IsValidId_RefusesMoreThan64Characters()
    {
        Assert.True(ProtocolIds.IsValidId(new string('a', 64)));
        Assert.False(ProtocolIds.IsValidId(new string('a', 65)));
    }

    [Theory]
    [InlineData(TopicKind.Status, "edgetransfer/v1/f1/d1/status")]
    [InlineData(TopicKind.Telemetry, "edgetransfer/v1/f1/d1/telemetry")]
    [InlineData(TopicKind.Events, "edgetransfer/v1/f1/d1/events")]
    [InlineData(TopicKind.Training, "edgetransfer/v1/f1/d1/training")]
    public void For_BuildsAndParsesDeviceTopics(TopicKind kind, string expected)
    {
        var topic = DeviceTopic.For("f1", "d1", kind);

        Assert.Equal(expected, topic.ToString());
        Assert.Equal(topic, DeviceTopic.Parse(expected));
    }

    [Fact]
    public void Command_AndReply_CarryTheName()
    {
        Assert.Equal("edgetransfer/v1/f1/d1/cmd/deploy-chunk", DeviceTopic.Command("f1", "d1", "deploy-chunk").ToString());
        var reply = DeviceTopic.Parse("edgetransfer/v1/f1/d1/reply/train");
        Assert.Equal((TopicKind.Reply, "train", "d1"), (reply.Kind, reply.Name, reply.Device));
    }

    [Theory]
    [InlineData("edgetransfer/v2/f1/d1/status")]
    [InlineData("edgetransfer/v1/f1/+/status")]
    [InlineData("edgetransfer/v1/f1/#")]
    [InlineData("edgetransfer/v1/f1/d1/status/extra")]
    [InlineData("edgetransfer/v1/f1/d1/cmd")]
    [InlineData("edgetransfer/v1/f1/d1/cmd/..")]
    [InlineData("edgetransfer/v1/f1/d1/cmd/Train")]
    [InlineData("edgetransfer/v1/../d1/status")]
    [InlineData("edgetransfer/v1/f1/d1/unknown")]
    [InlineData("/edgetransfer/v1/f1/d1/status")]
    public void TryParse_RefusesAnythingElse(string topic) => Assert.False(DeviceTopic.TryParse(topic, out _));

    [Fact]
    public void Builders_RefuseBadIds_WithTheSettingNamed()
    {
        var error = Assert.Throws<InvalidSettingException>(() => DeviceTopic.For("f1", "../etc", TopicKind.Status));
        Assert.Equal("device", error.Setting);
        Assert.Throws<InvalidSettingException>(() => DeviceTopic.Command("f1", "d1", "a/b"));
    }

    [Fact]
    public void Filters_CoverTheFleetAndShareIt()
    {
        Assert.Equal("edgetransfer/v1/f1/+/telemetry", TopicFilters.AllDevices("f1", TopicKind.Telemetry));
        Assert.Equal("edgetransfer/v1/f1/+/reply/#", TopicFilters.AllDevices("f1", TopicKind.Reply));
        Assert.Equal("edgetransfer/v1/f1/d1/cmd/+", TopicFilters.DeviceCommands("f1", "d1"));
        Assert.Equal("$share/watchers/edgetransfer/v1/f1/+/events", TopicFilters.Shared("watchers", TopicFilters.AllDevices("f1", TopicKind.Events)));
        Assert.Throws<InvalidSettingException>(() => TopicFilters.Shared("a/b", "x"));
    }

    [Fact]
    public void Messages_SerializeWithSchemaSeqAndCamelCase()
    {
        var json = System.Text.Encoding.UTF8.GetString(ProtocolJson.Serialize(new TrainingResult
        {
            Seq = 42,
            Ts = new DateTimeOffset(2026, 11, 26, 3, 15, 0, TimeSpan.Zero),
            RunId = "run-7",
            Outcome = PromotionOutcome.Promoted,
            HeadVersion = 3,
        }));

        Assert.Contains("\"schema\":\"edgetransfer/v1\"", json, StringComparison.Ordinal);
        Assert.Contains("\"seq\":42", json, StringComparison.Ordinal);
        Assert.Contains("\"type\":\"result\"", json, StringComparison.Ordinal);
        Assert.Contains("\"ts\":\"2026-11-26T03:15:00+00:00\"", json, StringComparison.Ordinal);
        Assert.DoesNotContain("reason", json, StringComparison.Ordinal);
        var back = ProtocolJson.Deserialize<TrainingResult>(System.Text.Encoding.UTF8.GetBytes(json));
        Assert.Equal(PromotionOutcome.Promoted, back.Outcome);
    }
}
