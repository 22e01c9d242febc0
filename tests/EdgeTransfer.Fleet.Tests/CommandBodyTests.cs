using System.Text;
using System.Text.Json;

namespace EdgeTransfer.Fleet.Tests;

/// <summary>Building request bodies from <c>--arg</c> and <c>--body</c>, and parsing device selections.</summary>
public class CommandBodyTests
{
    [Fact]
    public void Build_TypesValuesThatReadAsJson_AndKeepsTheRestAsText()
    {
        var body = Parse(CommandBody.Build("train", ["epochs=20", "learningRate=0.01", "seed=7"], null));
        Assert.Equal("edgetransfer/v1", body.GetProperty("schema").GetString());
        Assert.Equal(20, body.GetProperty("epochs").GetInt32());
        Assert.Equal(0.01, body.GetProperty("learningRate").GetDouble());

        var label = Parse(CommandBody.Build("label", ["label=3-dents", "frameId=41"], null));
        Assert.Equal("3-dents", label.GetProperty("label").GetString());
        Assert.Equal(41, label.GetProperty("frameId").GetInt64());
    }

    [Fact]
    public void Build_PutsConfigKeysUnderSet()
    {
        var body = Parse(CommandBody.Build("config", ["inspection.threshold=0.8"], null));
        Assert.Equal(0.8, body.GetProperty("set").GetProperty("inspection.threshold").GetDouble());
    }

    [Fact]
    public void Build_CopiesABody_AndAddsTheSchema()
    {
        var body = Parse(CommandBody.Build("collect", [], """{"action":"start","label":"scratch"}"""));
        Assert.Equal("start", body.GetProperty("action").GetString());
        Assert.Equal("edgetransfer/v1", body.GetProperty("schema").GetString());
    }

    [Fact]
    public void DeviceSelection_ParsesAllAndLists()
    {
        Assert.True(DeviceSelection.Parse("all", "<device>").All);
        Assert.Equal(["d1", "d2"], DeviceSelection.Parse("d1, d2,d1", "<device>").Devices);
    }

    private static JsonElement Parse(byte[] body) => JsonDocument.Parse(Encoding.UTF8.GetString(body)).RootElement.Clone();
}
