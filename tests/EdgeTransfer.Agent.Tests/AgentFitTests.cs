using System.Text.Json;
using EdgeTransfer.Agent.Tests.Infrastructure;
using EdgeTransfer.Mqtt.Commands;
using EdgeTransfer.Mqtt.Protocol;
using EdgeTransfer.Synthetic;
using EdgeTransfer.Testing;

namespace EdgeTransfer.Agent.Tests;

/// <summary>The anomaly side of protocol v1 (issue 10): <c>fit</c>, <c>rollback</c> with <c>anomaly</c>, and the anomaly fields of events, status and telemetry, through a real Mosquitto.</summary>
[Collection(AgentTestGroup.Name)]
public sealed class AgentFitTests(AgentEnvironment environment)
{
    private static readonly string Schema = DeviceMessage.SchemaVersion;

    [MosquittoFact]
    public async Task Fit_IsPromotedWithProgress_RolledBack_AndVerdictsCarryScoreThresholdAndMap()
    {
        const string id = "d-fit";
        await using var device = await DeviceUnderTest.StartAsync(environment, id, inspection: "{}");
        var category = WriteCategory(device.Combine("data"), trainGood: 10);
        var inspection = Inspection("classify", category, Path.Combine(category, "test"));
        await device.RestartAsync(() => Rewrite(device, inspection));
        await using var fleet = await Fleet.ConnectAsync(environment.Broker!.Port, environment.PasswordFile, id);

        // When a fit is asked for: accepted at once with the images it will read
        var accepted = await fleet.OkAsync(id, "fit", new FitRequest { Schema = Schema });
        var runId = accepted.GetProperty("runId").GetString()!;
        Assert.Equal(10, accepted.GetProperty("goodImages").GetInt32());
        Assert.Equal(2, accepted.GetProperty("defectImages").GetInt32());

        // Then progress and a promoted result arrive on "training"
        var result = await FitResultAsync(fleet, id, runId);
        Assert.True(result.GetProperty("outcome").GetString() == "promoted", result.ToString());
        Assert.Equal("a0001", result.GetProperty("anomalyModel").GetString());
        Assert.True(result.GetProperty("threshold").GetDouble() > 0);
        Assert.True(result.GetProperty("bankBytes").GetInt64() > 0);
        Assert.Equal(JsonValueKind.Number, result.GetProperty("imageAuroc").ValueKind);
        Assert.Contains(fleet.Sink.Snapshot(), m => Fleet.Is(m, id, TopicKind.Training) && Fleet.Text(m).Contains("\"fit-progress\"", StringComparison.Ordinal) && Fleet.Text(m).Contains(runId, StringComparison.Ordinal));

        // And status, telemetry and the retained birth name the model in service
        var anomaly = (await fleet.StatusAsync(id)).GetProperty("anomaly");
        Assert.Equal("a0001", anomaly.GetProperty("version").GetString());
        Assert.Equal("classify", anomaly.GetProperty("mode").GetString());
        Assert.Equal(result.GetProperty("threshold").GetDouble(), anomaly.GetProperty("threshold").GetDouble(), 5);
        device.Agent.PublishTelemetry();
        var telemetry = Fleet.Json(await fleet.Sink.WaitForAsync(m => Fleet.Is(m, id, TopicKind.Telemetry) && Fleet.Text(m).Contains("anomalyModel", StringComparison.Ordinal), Fleet.Wait));
        Assert.Equal("a0001", telemetry.GetProperty("anomalyModel").GetString());
        Assert.True(telemetry.GetProperty("anomalyThreshold").GetDouble() > 0);
        await fleet.Sink.WaitForAsync(m => Fleet.Is(m, id, TopicKind.Status) && Fleet.Text(m).Contains("\"anomaly\":\"a0001\"", StringComparison.Ordinal), Fleet.Wait);

        // When a second model is fitted and then rolled back
        var second = await fleet.OkAsync(id, "fit", new FitRequest { Schema = Schema, Defects = false });
        Assert.Equal(0, second.GetProperty("defectImages").GetInt32());
        Assert.Equal("promoted", (await FitResultAsync(fleet, id, second.GetProperty("runId").GetString()!)).GetProperty("outcome").GetString());
        var rollback = await fleet.OkAsync(id, "rollback", new RollbackRequest { Schema = Schema, Anomaly = true });

        // Then the first model is back as a new version; the head was not touched
        Assert.Equal("a0003", rollback.GetProperty("anomalyModel").GetString());
        Assert.Equal("a0001", rollback.GetProperty("restoredFrom").GetString());
        var status = await fleet.StatusAsync(id);
        Assert.Equal("a0003", status.GetProperty("anomaly").GetProperty("version").GetString());
        Assert.Equal(1, status.GetProperty("head").GetProperty("version").GetInt64());
        var both = await fleet.AskAsync(id, "rollback", new RollbackRequest { Schema = Schema, Anomaly = true, HeadVersion = 1 });
        Assert.Equal(CommandErrorCodes.InvalidValue, both.Error?.Code);

        // When the device inspects in mode "both" with every frame as an event
        await device.RestartAsync(() => Rewrite(device, Inspection("both", category, null), eventsEvery: 1));
        await device.WaitForFramesAsync(3, Fleet.Wait);

        // Then events carry the score, the threshold and the model; the map only once asked for
        var scored = Fleet.Json(await fleet.Sink.WaitForAsync(m => Fleet.Is(m, id, TopicKind.Events) && Fleet.Text(m).Contains("anomalyScore", StringComparison.Ordinal), Fleet.Wait));
        Assert.InRange(scored.GetProperty("anomalyScore").GetDouble(), 0, 1);
        Assert.True(scored.GetProperty("anomalyThreshold").GetDouble() > 0);
        Assert.Equal("a0003", scored.GetProperty("anomalyModel").GetString());
        Assert.False(scored.TryGetProperty("anomalyMap", out _));
        await fleet.OkAsync(id, "config", new ConfigRequest { Schema = Schema, Set = new() { ["events.anomalyMap"] = JsonDocument.Parse("true").RootElement.Clone() } });
        var mapped = Fleet.Json(await fleet.Sink.WaitForAsync(m => Fleet.Is(m, id, TopicKind.Events) && Fleet.Text(m).Contains("anomalyMap", StringComparison.Ordinal), Fleet.Wait));
        AssertMap(mapped.GetProperty("anomalyMap"));

        // And a preview asked with the map carries the map of the last scored frame
        var preview = await fleet.OkAsync(id, "preview", new PreviewRequest { Schema = Schema, AnomalyMap = true });
        AssertMap(preview.GetProperty("anomalyMap"));
    }

    [MosquittoFact]
    public async Task Fit_WithNoTooFewOrOnlyDefectImages_IsRefusedInTheReply_AndNothingIsFitted()
    {
        const string id = "d-fitbad";
        await using var device = await DeviceUnderTest.StartAsync(environment, id, inspection: "{}");
        await using var fleet = await Fleet.ConnectAsync(environment.Broker!.Port, environment.PasswordFile, id);

        // No folder configured
        await AssertRefusedAsync(fleet, id, "inspection.anomaly.goodImages is not set");

        // No good image, only defects
        var category = WriteCategory(device.Combine("data"), trainGood: 1);
        var empty = Directory.CreateDirectory(device.Combine("empty")).FullName;
        await device.RestartAsync(() => Rewrite(device, Inspection("classify", empty, Path.Combine(category, "test"))));
        await AssertRefusedAsync(fleet, id, "only defect images (2 in inspection.anomaly.defectImages)");

        // Too few good images (one)
        await device.RestartAsync(() => Rewrite(device, Inspection("classify", category, null)));
        await AssertRefusedAsync(fleet, id, "only 1 good image");

        // Defect folders given as the good images
        await device.RestartAsync(() => Rewrite(device, Inspection("classify", Path.Combine(category, "test"), null)));
        await AssertRefusedAsync(fleet, id, "sub-folders");

        // A rollback with nothing to go back to
        var rollback = await fleet.AskAsync(id, "rollback", new RollbackRequest { Schema = Schema, Anomaly = true });
        Assert.Equal(CommandErrorCodes.NotFound, rollback.Error?.Code);
        Assert.Contains("nothing to roll back", rollback.Error!.Message, StringComparison.Ordinal);
        Assert.Null(device.Agent.Host.Anomaly.Registry.Current);
    }

    private static async Task AssertRefusedAsync(Fleet fleet, string id, string expected)
    {
        var reply = await fleet.AskAsync(id, "fit", new FitRequest { Schema = Schema });
        Assert.False(reply.Ok);
        Assert.Equal(CommandErrorCodes.Failed, reply.Error!.Code);
        Assert.Contains(expected, reply.Error.Message, StringComparison.Ordinal);
        Assert.Contains("Nothing was changed", reply.Error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", reply.Error.Message, StringComparison.Ordinal);
        Assert.False((await fleet.StatusAsync(id)).GetProperty("anomaly").TryGetProperty("version", out _), "no anomaly model was fitted");
    }

    private static async Task<JsonElement> FitResultAsync(Fleet fleet, string id, string runId) =>
        Fleet.Json(await fleet.Sink.WaitForAsync(m => Fleet.Is(m, id, TopicKind.Training) && Fleet.Text(m).Contains("\"fit-result\"", StringComparison.Ordinal) && Fleet.Text(m).Contains(runId, StringComparison.Ordinal), TimeSpan.FromSeconds(90)));

    private static void AssertMap(JsonElement map)
    {
        var width = map.GetProperty("width").GetInt32();
        var height = map.GetProperty("height").GetInt32();
        Assert.Equal((28, 28), (width, height));
        Assert.Equal(width * height, Convert.FromBase64String(map.GetProperty("data").GetString()!).Length);
        Assert.InRange(map.GetProperty("score").GetDouble(), 0, 1);
    }

    // A small MVTec AD category of synthetic parts: train/good, test/good and two scratched parts.
    private static string WriteCategory(string root, int trainGood) =>
        SyntheticMvtecDataset.Write(root, new SyntheticMvtecOptions { Category = "part", Defects = ["scratch"], TrainGood = trainGood, TestGood = 1, TestPerDefect = 2, Size = 224, Seed = 5 }).Directory;

    private static string Inspection(string mode, string good, string? defects) =>
        JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["mode"] = mode,
            ["anomaly"] = defects is null ? new Dictionary<string, string> { ["goodImages"] = good } : new Dictionary<string, string> { ["goodImages"] = good, ["defectImages"] = defects },
        });

    private void Rewrite(DeviceUnderTest device, string inspection, int eventsEvery = 100) =>
        DeviceUnderTest.WriteConfig(device.ConfigPath, device.Id, environment.BundleDirectory, environment.Broker!.Port, environment.PasswordFile, eventsEvery: eventsEvery, inspection: inspection);
}
