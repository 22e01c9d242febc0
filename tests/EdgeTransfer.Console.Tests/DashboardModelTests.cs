using System.Text;
using EdgeTransfer.LineConsole.Input;
using EdgeTransfer.LineConsole.Model;
using EdgeTransfer.LineConsole.Tests.Infrastructure;
using EdgeTransfer.Mqtt.Commands;
using Microsoft.Extensions.Time.Testing;

namespace EdgeTransfer.LineConsole.Tests;

public sealed class DashboardModelTests
{
    private const string Topic = "edgetransfer/v1/plant1/line3-cam1/";
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 26, 3, 15, 0, TimeSpan.Zero));

    public static TheoryData<string, string, string> BadMessages => new()
    {
        { "events", "{not json", "not JSON" },
        { "events", "[1,2,3]", "expected a JSON object" },
        { "events", """{"schema":"edgetransfer/v1","frameId":"seven","verdict":"good"}""", "frameId is text, expected a whole number" },
        { "events", """{"schema":"edgetransfer/v2","frameId":1,"verdict":"good"}""", "schema \"edgetransfer/v2\"" },
        { "events", """{"frameId":1,"verdict":"good"}""", "no schema" },
        { "events", """{"schema":"edgetransfer/v1","frameId":1,"verdict":"good","confidence":1e400}""", "confidence is not a finite number" },
        { "events", "{\"schema\":\"edgetransfer/v1\",\"frameId\":1,\"verdict\":\"" + new string('x', 100_000) + "\"}", "more than 64" },
        { "status", """{"schema":"edgetransfer/v1","state":"sleeping"}""", "\"sleeping\" is not online or offline" },
        { "status", """{"schema":"edgetransfer/v1","state":"online","versions":{"head":"seven"}}""", "versions: head is text" },
        { "telemetry", """{"schema":"edgetransfer/v1","verdicts":{"good":-3}}""", "is not a count" },
        { "training", """{"schema":"edgetransfer/v1","type":"progress","runId":"r-1","epoch":0,"epochs":3}""", "epoch and epochs" },
        { "training", """{"schema":"edgetransfer/v1","type":"party","runId":"r-1"}""", "\"party\" is not progress, result, fit-progress or fit-result" },
        { "training", """{"schema":"edgetransfer/v1","type":"result","runId":"r-1","outcome":"exploded"}""", "\"exploded\" is not promoted" },
        { "events", "", "empty payload" },
    };

    [Theory]
    [MemberData(nameof(BadMessages))]
    public void Accept_CountsBadMessageWithReason_WhenPayloadCannotBeUsed(string kind, string payload, string reason)
    {
        // Given a model watching a device
        var model = NewModel();

        // When a message it cannot use arrives
        model.Accept(Topic + kind, Encoding.UTF8.GetBytes(payload));

        // Then it is counted with its reason, and the dashboard still renders
        var snapshot = model.Snapshot();
        Assert.Equal(1, snapshot.BadMessages);
        Assert.Contains(reason, snapshot.LastBadMessage, StringComparison.Ordinal);
        Assert.Contains("bad messages: 1", Screen.Of(snapshot), StringComparison.Ordinal);
    }

    [Fact]
    public void Accept_CountsBadMessage_WhenPayloadIsHuge()
    {
        // Given a model
        var model = NewModel();

        // When a 1 MiB payload arrives
        model.Accept(Topic + "events", new byte[1 << 20]);

        // Then it is refused without being parsed
        Assert.Contains("more than the 262,144", model.Snapshot().LastBadMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Accept_CountsBadMessage_WhenTopicIsNotV1OfThisFleet()
    {
        // Given a model of fleet plant1
        var model = NewModel();

        // When a message arrives on another fleet's topic
        model.Accept("edgetransfer/v1/other/line3-cam1/events", "{}"u8.ToArray());

        // Then it is a bad message, not an event
        Assert.Equal(1, model.Snapshot().BadMessages);
        Assert.Empty(model.Snapshot().Events);
    }

    [Fact]
    public void Accept_ReplacesControlCharacters_SoTheTerminalCannotBeDriven()
    {
        // Given a model
        var model = NewModel();

        // When a verdict carries an escape sequence (it could recolour or clear the technician's terminal)
        model.Accept(Topic + "events", Encoding.UTF8.GetBytes("""{"schema":"edgetransfer/v1","frameId":1,"verdict":"go\u001b[2Jod [red]x[/]","confidence":0.5}"""));

        // Then the escape character is shown as '?' and the markup as text
        var verdict = Assert.Single(model.Snapshot().Events).Verdict;
        Assert.Equal("go?[2Jod [red]x[/]", verdict);
        Assert.Contains("go?[2Jod [red]x[/]", Screen.Of(model), StringComparison.Ordinal);
    }

    [Fact]
    public void Accept_IgnoresUnknownFields_SoANewerDeviceStillShows()
    {
        // Given a model
        var model = NewModel();

        // When an event carries a field this console does not know
        model.Accept(Topic + "events", Encoding.UTF8.GetBytes("""{"schema":"edgetransfer/v1","frameId":7,"verdict":"dent","confidence":0.9,"heatmap":[1,2,3]}"""));

        // Then the event is shown and nothing is counted bad
        Assert.Equal("dent", Assert.Single(model.Snapshot().Events).Verdict);
        Assert.Equal(0, model.Snapshot().BadMessages);
    }

    [Fact]
    public void Events_KeepsTheLastMinute_AndDropsRedeliveries()
    {
        // Given two events, the same frame delivered twice (QoS 1 is at least once)
        var model = NewModel();
        model.Accept(Topic + "events", Event(1, "good"));
        model.Accept(Topic + "events", Event(1, "good"));
        _time.Advance(TimeSpan.FromSeconds(45));
        model.Accept(Topic + "events", Event(2, "scratch"));

        // When 30 more seconds pass
        Assert.Equal(2, model.Snapshot().Events.Count);
        _time.Advance(TimeSpan.FromSeconds(30));

        // Then only the event of the last minute is left
        Assert.Equal(2, Assert.Single(model.Snapshot().Events).FrameId);
    }

    [Fact]
    public void Training_BuildsCurvesByEpoch_AndKeepsTheResult()
    {
        // Given progress for three epochs, epoch 2 delivered twice
        var model = NewModel();
        foreach (var epoch in new[] { 1, 2, 2, 3 })
        {
            model.Accept(Topic + "training", Encoding.UTF8.GetBytes($$"""{"schema":"edgetransfer/v1","type":"progress","runId":"r-1","epoch":{{epoch}},"epochs":3,"loss":{{1.0 / epoch}},"accuracy":{{0.5 + (0.1 * epoch)}}}"""));
        }

        // When the result arrives
        model.Accept(Topic + "training", """{"schema":"edgetransfer/v1","type":"result","runId":"r-1","outcome":"promoted","headVersion":8,"accuracy":0.97,"loss":0.08,"durationSeconds":4.2}"""u8.ToArray());

        // Then each epoch appears once, and the promoted head is the device's head
        var snapshot = model.Snapshot();
        Assert.Equal([1.0, 0.5, 1.0 / 3], snapshot.Training!.Losses);
        Assert.Equal(3, snapshot.Training.Accuracies.Count);
        Assert.Equal("promoted", snapshot.Training.Result!.Outcome);
        Assert.Equal(8, snapshot.Device!.Head);
        var screen = Screen.Of(snapshot);
        Assert.Contains("promoted · head v8", screen, StringComparison.Ordinal);
        Assert.Contains("accuracy 97.0% · loss 0.080 · 4.2 s", screen, StringComparison.Ordinal);
    }

    [Fact]
    public void Training_ShowsAFailureWithItsReason_WithoutAProgressBar_WhenNoEpochRan()
    {
        // Given a model
        var model = NewModel();

        // When a run is refused before its first epoch
        model.Accept(Topic + "training", """{"schema":"edgetransfer/v1","type":"result","runId":"r-2","outcome":"failed","headVersion":1,"durationSeconds":0,"reason":"Training refused: too few samples to validate."}"""u8.ToArray());

        // Then the panel and the error list say why, and no bar pretends the run finished
        var screen = Screen.Of(model);
        Assert.Contains("failed (previous head kept) · head v1", screen, StringComparison.Ordinal);
        Assert.Contains("training r-2 failed: Training refused: too few samples to validate.", screen, StringComparison.Ordinal);
        Assert.DoesNotContain("0/0", screen, StringComparison.Ordinal);
        Assert.DoesNotContain("█", screen, StringComparison.Ordinal);
    }

    [Fact]
    public void Status_ShowsOfflineWithReason_AndListsIt()
    {
        // Given an online device
        var model = NewModel();
        model.Accept(Topic + "status", """{"schema":"edgetransfer/v1","state":"online","versions":{"app":"1.4.0","bundle":"line3","head":7},"executionProvider":"cpu"}"""u8.ToArray());

        // When the broker publishes its last will
        _time.Advance(TimeSpan.FromSeconds(3));
        model.Accept(Topic + "status", """{"schema":"edgetransfer/v1","state":"offline","reason":"last-will"}"""u8.ToArray());

        // Then the header says so plainly and the error list has it
        var screen = Screen.Of(model);
        Assert.Contains("OFFLINE", screen, StringComparison.Ordinal);
        Assert.Contains("connection lost", screen, StringComparison.Ordinal);
        Assert.Contains("device line3-cam1 went offline (last-will)", screen, StringComparison.Ordinal);
    }

    [Fact]
    public void AcceptReply_ShowsErrorCodeAndMessage_WhenDeviceRefuses()
    {
        // Given a model
        var model = NewModel();
        var command = new ConsoleCommand("rollback", "{}"u8.ToArray(), "roll back");

        // When the device refuses the command
        model.CommandSent(command);
        model.AcceptReply(command, new CommandReplyMessage { Command = "rollback", Ok = false, Error = new CommandError { Code = "not_found", Message = "There is no previous head." } });

        // Then the reply and the error list say what and why
        var snapshot = model.Snapshot();
        Assert.Empty(snapshot.Pending);
        Assert.Contains("✗ roll back", Screen.Of(snapshot), StringComparison.Ordinal);
        Assert.Contains("roll back refused: not_found: There is no previous head.", Screen.Of(snapshot), StringComparison.Ordinal);
    }

    [Fact]
    public void AcceptReply_CountsBadResult_ButKeepsTheReply()
    {
        // Given a status reply whose samples are not counts
        var model = NewModel();
        using var result = System.Text.Json.JsonDocument.Parse("""{"storeByClass":{"good":"many"}}""");

        // When it arrives
        model.AcceptReply(KeyBindings.Status(), new CommandReplyMessage { Command = "status", Ok = true, Result = result.RootElement.Clone() });

        // Then it is counted bad and nothing is taken from it
        Assert.Equal(1, model.Snapshot().BadMessages);
        Assert.Empty(model.Snapshot().SampleCounts);
    }

    [Fact]
    public void AcceptReply_RefusesPreview_WhenDataDoesNotMatchSize()
    {
        // Given a preview reply that claims 48×48 but carries 3 bytes
        var model = NewModel();
        using var result = System.Text.Json.JsonDocument.Parse("""{"frameId":1,"width":48,"height":48,"format":"rgb24","data":"AAAA"}""");

        // When it arrives
        model.AcceptReply(KeyBindings.Preview(48), new CommandReplyMessage { Command = "preview", Ok = true, Result = result.RootElement.Clone() });

        // Then there is no preview, and a bad message is counted
        var snapshot = model.Snapshot();
        Assert.Null(snapshot.Preview);
        Assert.Equal(1, snapshot.BadMessages);
        Assert.Contains("no preview", Screen.Of(snapshot), StringComparison.Ordinal);
    }

    private static byte[] Event(long frame, string verdict) =>
        Encoding.UTF8.GetBytes($$"""{"schema":"edgetransfer/v1","frameId":{{frame}},"verdict":"{{verdict}}","confidence":0.9,"latencyMs":12}""");

    private DashboardModel NewModel() => new("127.0.0.1:1883", "plant1", "line3-cam1", null, _time);
}
