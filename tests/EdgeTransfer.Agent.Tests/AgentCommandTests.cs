using System.Text.Json;
using EdgeTransfer.Agent.Tests.Infrastructure;
using EdgeTransfer.Mqtt.Commands;
using EdgeTransfer.Mqtt.Protocol;
using EdgeTransfer.Testing;

namespace EdgeTransfer.Agent.Tests;

/// <summary>Every command of protocol v1 against a running device through a real Mosquitto.</summary>
[Collection(AgentTestGroup.Name)]
public sealed class AgentCommandTests(AgentEnvironment environment)
{
    private const string Id = "d-cmd";
    private static readonly string Schema = DeviceMessage.SchemaVersion;

    [MosquittoFact]
    public async Task EveryCommand_GetsItsReply_AndTrainingIsPromotedThenRolledBack()
    {
        await using var device = await DeviceUnderTest.StartAsync(environment, Id, eventsEvery: 10);
        await using var fleet = await Fleet.ConnectAsync(environment.Broker!.Port, environment.PasswordFile, Id);

        // Given a device that is online with its versions
        var birth = Fleet.Json(await fleet.Sink.WaitForAsync(m => Fleet.Is(m, Id, TopicKind.Status) && Fleet.Text(m).Contains("\"online\"", StringComparison.Ordinal), Fleet.Wait));
        Assert.Equal("9.9.9-test", birth.GetProperty("versions").GetProperty("app").GetString());
        Assert.Equal(device.Agent.Host.Bundle.BundleId, birth.GetProperty("versions").GetProperty("bundle").GetString());
        Assert.Equal(1, birth.GetProperty("versions").GetProperty("head").GetInt64());
        Assert.Equal("cpu", birth.GetProperty("executionProvider").GetString());
        Assert.False(string.IsNullOrEmpty(birth.GetProperty("versions").GetProperty("onnxRuntime").GetString()));
        await device.WaitForFramesAsync(3, Fleet.Wait);

        // preview: the last frame at the default size (48) and at the smallest; the synthetic frames are square
        var preview = await fleet.OkAsync(Id, "preview", new PreviewRequest { Schema = Schema });
        AssertPreview(preview, 48, 48);
        Assert.True(preview.GetProperty("frameId").GetInt64() > 0);
        AssertPreview(await fleet.OkAsync(Id, "preview", new PreviewRequest { Schema = Schema, Size = 8 }), 8, 8);
        Assert.False((await fleet.StatusAsync(Id)).TryGetProperty("validation", out _), "no validation before a training run");

        // label: the last frame
        var label = await fleet.OkAsync(Id, "label", new LabelRequest { Schema = Schema, Label = "scratch" });
        Assert.Equal("scratch", label.GetProperty("label").GetString());
        Assert.Equal(1, label.GetProperty("samples").GetInt32());

        // collect: the synthetic line knows each part's class ("auto"); stop reports what was stored
        var start = await fleet.OkAsync(Id, "collect", new CollectRequest { Schema = Schema, Action = CollectAction.Start, Label = "auto", MaxSamples = 100 });
        Assert.Equal("auto", start.GetProperty("label").GetString());
        var deadline = DateTime.UtcNow + Fleet.Wait;
        while (device.Agent.Host.Samples.Count < 101 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
        }

        var stop = await fleet.OkAsync(Id, "collect", new CollectRequest { Schema = Schema, Action = CollectAction.Stop });
        Assert.Equal(101, stop.GetProperty("samples").GetInt32());

        // train: accepted at once, runs in the background; a second train meanwhile is "busy"
        var train = await fleet.OkAsync(Id, "train", new TrainRequest { Schema = Schema, Epochs = 40, LearningRate = 0.01, BatchSize = 16, Seed = 7 });
        var runId = train.GetProperty("runId").GetString()!;
        var busy = await fleet.AskAsync(Id, "train", new TrainRequest { Schema = Schema, Epochs = 2 });
        Assert.False(busy.Ok);
        Assert.Equal(CommandErrorCodes.Busy, busy.Error!.Code);

        // Then progress and a promoted result arrive on "training"
        var result = Fleet.Json(await fleet.Sink.WaitForAsync(m => Fleet.Is(m, Id, TopicKind.Training) && Fleet.Text(m).Contains("\"result\"", StringComparison.Ordinal), TimeSpan.FromSeconds(60)));
        Assert.Equal(runId, result.GetProperty("runId").GetString());
        Assert.True(result.GetProperty("outcome").GetString() == "promoted", result.ToString());
        Assert.Equal(2, result.GetProperty("headVersion").GetInt64());
        Assert.Contains(fleet.Sink.Snapshot(), m => Fleet.Is(m, Id, TopicKind.Training) && Fleet.Text(m).Contains("\"progress\"", StringComparison.Ordinal) && Fleet.Text(m).Contains(runId, StringComparison.Ordinal));

        // And the log has the training result and the refused second train
        device.Logs.WaitFor(e => e.EventId.Id == 5002 && e.Message.Contains(runId, StringComparison.Ordinal) && e.Message.Contains("Promoted", StringComparison.Ordinal), Fleet.Wait);
        device.Logs.WaitFor(e => e.Message.StartsWith($"Command train: {CommandErrorCodes.Busy}", StringComparison.Ordinal), Fleet.Wait);

        // status: head, store, inspection, source
        var status = await fleet.StatusAsync(Id);
        Assert.Equal(2, status.GetProperty("head").GetProperty("version").GetInt64());
        Assert.Equal(101, status.GetProperty("storeSamples").GetInt32());
        Assert.Equal("online", status.GetProperty("source").GetString());
        Assert.True(status.GetProperty("inspection").GetProperty("frames").GetInt64() > 0);

        // status: the confusion matrix behind the promoted head, rows = true class, one count per validation sample
        var validation = status.GetProperty("validation");
        Assert.Equal(["good", "scratch", "dent", "stain"], validation.GetProperty("classes").EnumerateArray().Select(c => c.GetString()));
        var matrix = validation.GetProperty("matrix").EnumerateArray().Select(r => r.EnumerateArray().Select(c => c.GetInt64()).ToArray()).ToArray();
        Assert.Equal(4, matrix.Length);
        Assert.All(matrix, row => Assert.Equal(4, row.Length));
        Assert.All(matrix.SelectMany(r => r), count => Assert.True(count >= 0));
        Assert.Equal(status.GetProperty("head").GetProperty("validationSamples").GetInt64(), matrix.Sum(r => r.Sum()));
        var diagonal = Enumerable.Range(0, 4).Sum(i => matrix[i][i]);
        Assert.Equal(status.GetProperty("head").GetProperty("accuracy").GetDouble(), (double)diagonal / matrix.Sum(r => r.Sum()), 4);

        // rollback: the previous head comes back as a new version
        var rollback = await fleet.OkAsync(Id, "rollback", new RollbackRequest { Schema = Schema });
        Assert.Equal(3, rollback.GetProperty("headVersion").GetInt64());
        Assert.Equal(1, rollback.GetProperty("restoredFrom").GetInt64());
        Assert.False((await fleet.StatusAsync(Id)).TryGetProperty("validation", out _), "the initial head in service again: no validation behind it");
        var missing = await fleet.AskAsync(Id, "rollback", new RollbackRequest { Schema = Schema, HeadVersion = 99 });
        Assert.Equal(CommandErrorCodes.NotFound, missing.Error?.Code);

        // config: telemetry every second, every 5th frame as an event; pause and resume inspection
        var config = await fleet.OkAsync(Id, "config", new ConfigRequest { Schema = Schema, Set = new() { ["telemetry.intervalSeconds"] = Element("1"), ["events.every"] = Element("5") } });
        Assert.Equal(1, config.GetProperty("telemetryIntervalSeconds").GetInt32());
        var telemetry = Fleet.Json(await fleet.Sink.WaitForAsync(m => Fleet.Is(m, Id, TopicKind.Telemetry), Fleet.Wait));
        Assert.True(telemetry.GetProperty("frames").GetInt64() > 0);
        Assert.True(telemetry.GetProperty("rssBytes").GetInt64() > 0);
        Assert.True(telemetry.GetProperty("latencyMs").GetProperty("p99").GetDouble() > 0);
        Assert.Equal(101, telemetry.GetProperty("storeSamples").GetInt64());
        var inspectionEvent = Fleet.Json(await fleet.Sink.WaitForAsync(m => Fleet.Is(m, Id, TopicKind.Events), Fleet.Wait));
        Assert.False(string.IsNullOrEmpty(inspectionEvent.GetProperty("verdict").GetString()));

        await fleet.OkAsync(Id, "config", new ConfigRequest { Schema = Schema, Set = new() { ["inspection.paused"] = Element("true") } });
        Assert.True((await fleet.StatusAsync(Id)).GetProperty("inspection").GetProperty("paused").GetBoolean());
        await fleet.OkAsync(Id, "config", new ConfigRequest { Schema = Schema, Set = new() { ["inspection.paused"] = Element("false") } });
        Assert.False((await fleet.StatusAsync(Id)).GetProperty("inspection").GetProperty("paused").GetBoolean());

        // The log never holds the MQTT password
        Assert.DoesNotContain(File.ReadAllText(environment.PasswordFile).Trim(), device.Logs.Text, StringComparison.Ordinal);
    }

    [MosquittoFact]
    public async Task Preview_IsNotFound_BeforeTheFirstFrame()
    {
        await using var device = await DeviceUnderTest.StartAsync(environment, "d-idle", inspect: false);
        await using var fleet = await Fleet.ConnectAsync(environment.Broker!.Port, environment.PasswordFile, "d-idle");

        var reply = await fleet.AskAsync("d-idle", "preview", new PreviewRequest { Schema = Schema, Size = 32 });

        Assert.False(reply.Ok);
        Assert.Equal(CommandErrorCodes.NotFound, reply.Error!.Code);
    }

    private static void AssertPreview(JsonElement preview, int width, int height)
    {
        Assert.Equal(width, preview.GetProperty("width").GetInt32());
        Assert.Equal(height, preview.GetProperty("height").GetInt32());
        Assert.Equal("rgb24", preview.GetProperty("format").GetString());
        var bytes = Convert.FromBase64String(preview.GetProperty("data").GetString()!);
        Assert.Equal(width * height * 3, bytes.Length);
        Assert.True(bytes.Distinct().Count() > 1, "a picture, not a blank");
    }

    private static JsonElement Element(string json) => JsonDocument.Parse(json).RootElement.Clone();
}
