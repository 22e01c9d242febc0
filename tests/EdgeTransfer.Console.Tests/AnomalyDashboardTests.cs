using System.Text;
using System.Text.Json;
using EdgeTransfer.LineConsole.Input;
using EdgeTransfer.LineConsole.Model;
using EdgeTransfer.LineConsole.Rendering;
using EdgeTransfer.LineConsole.Tests.Infrastructure;
using EdgeTransfer.Mqtt.Commands;
using Microsoft.Extensions.Time.Testing;
using Spectre.Console;
using Spectre.Console.Testing;

namespace EdgeTransfer.LineConsole.Tests;

/// <summary>The console in anomaly mode (issue 10): the score streamed from events, the map drawn over the preview.</summary>
public sealed class AnomalyDashboardTests
{
    private const string Topic = "edgetransfer/v1/plant1/line3-cam1/";
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 26, 3, 15, 0, TimeSpan.Zero));

    [Fact]
    public void Events_WithAnomalyScores_AreStreamed_AndPreviewsThenAskForTheMap()
    {
        // Given a device whose events carry anomaly scores
        var model = NewModel();
        Assert.False(model.WantsAnomalyMap, "a device that never scored is not asked for a map (it would refuse the field)");
        model.Accept(Topic + "events", Event(1, "good", 0.21));
        model.Accept(Topic + "events", Event(2, "anomaly", 0.83));

        // Then each record has its score, the inspection panel streams it, and previews ask for the map
        var snapshot = model.Snapshot();
        Assert.Equal([0.83, 0.21], snapshot.Events.Select(e => e.AnomalyScore!.Value));
        Assert.Contains("anomaly ", Screen.Of(snapshot), StringComparison.Ordinal);
        var screen = Screen.Of(snapshot);
        Assert.True(screen.Contains("0.83 max 0.83", StringComparison.Ordinal), screen);
        Assert.True(model.WantsAnomalyMap);
        Assert.Contains("\"anomalyMap\":true", Encoding.UTF8.GetString(KeyBindings.Preview(48, model.WantsAnomalyMap).Body), StringComparison.Ordinal);
    }

    [Fact]
    public void Preview_WithAMap_IsDrawnTintedWhereThePartDiffers_AndTitledWithTheScore()
    {
        // Given a grey 4×4 preview whose 2×2 map is hot in the top-left patch only
        var model = NewModel();
        var rgb = Enumerable.Repeat((byte)100, 4 * 4 * 3).ToArray();
        var map = new byte[] { 255, 0, 0, 0 };
        model.AcceptReply(KeyBindings.Preview(4, true), Reply($$$"""{"frameId":7,"width":4,"height":4,"format":"rgb24","data":"{{{Convert.ToBase64String(rgb)}}}","anomalyMap":{"frameId":7,"width":2,"height":2,"data":"{{{Convert.ToBase64String(map)}}}","score":0.74}}"""));

        // Then the preview holds the map and its title the score
        var frame = model.Snapshot().Preview!;
        Assert.Equal(0.74, frame.AnomalyMap!.Score);
        Assert.Contains("anomaly 0.74 ✗", Screen.Of(model), StringComparison.Ordinal);

        // And the hot quarter is drawn red over grey, the rest unchanged
        using var console = new TestConsole().Colors(ColorSystem.TrueColor).EmitAnsiSequences();
        console.Write(new HalfBlockImage(frame));
        var red = (byte)Math.Round((100 * (1 - HalfBlockImage.Tint(255))) + (255 * HalfBlockImage.Tint(255)));
        var dark = (byte)Math.Round(100 * (1 - HalfBlockImage.Tint(255)));
        Assert.Contains($"38;2;{red};{dark};{dark}", console.Output, StringComparison.Ordinal);
        Assert.Contains("38;2;100;100;100", console.Output, StringComparison.Ordinal);
        Assert.Equal(0, HalfBlockImage.Tint(0));
        Assert.True(HalfBlockImage.Tint(AnomalyMapView.Threshold) is > 0.4 and < 0.5, "the threshold is clearly visible");
    }

    [Theory]
    [InlineData("""{"frameId":7,"width":2,"height":2,"data":"AAAA","score":0.7}""", "not base64 of 4 bytes")]
    [InlineData("""{"frameId":7,"width":500,"height":2,"data":"AAAA","score":0.7}""", "width and height 1–64")]
    [InlineData("""{"frameId":7,"width":2,"height":2,"data":"AAAAAA==","score":"high"}""", "score is text")]
    public void Preview_WithABadMap_IsCountedAsABadMessage_AndNotDrawn(string mapJson, string reason)
    {
        var model = NewModel();
        var rgb = Convert.ToBase64String(new byte[4 * 4 * 3]);

        model.AcceptReply(KeyBindings.Preview(4, true), Reply($$$"""{"frameId":7,"width":4,"height":4,"format":"rgb24","data":"{{{rgb}}}","anomalyMap":{{{mapJson}}}}"""));

        var snapshot = model.Snapshot();
        Assert.Null(snapshot.Preview);
        Assert.Equal(1, snapshot.BadMessages);
        Assert.Contains(reason, snapshot.LastBadMessage, StringComparison.Ordinal);
    }

    private static CommandReplyMessage Reply(string result)
    {
        using var json = JsonDocument.Parse(result);
        return new CommandReplyMessage { Command = "preview", Ok = true, Result = json.RootElement.Clone() };
    }

    private static byte[] Event(long frame, string verdict, double score) =>
        Encoding.UTF8.GetBytes($$"""{"schema":"edgetransfer/v1","frameId":{{frame}},"verdict":"{{verdict}}","confidence":0.9,"latencyMs":12,"anomalyScore":{{score}},"anomalyThreshold":1.5,"anomalyModel":"a0001"}""");

    private DashboardModel NewModel() => new("127.0.0.1:1883", "plant1", "line3-cam1", null, _time);
}
