using System.Text.Json;
using EdgeTransfer.Agent.Tests.Infrastructure;
using EdgeTransfer.Mqtt.Commands;
using EdgeTransfer.Mqtt.Deployment;
using EdgeTransfer.Mqtt.Protocol;
using EdgeTransfer.Runtime.Loading;
using EdgeTransfer.Testing;

namespace EdgeTransfer.Agent.Tests;

/// <summary>Bundle deployment over MQTT to a running device: resume, verify, atomic swap, refusal of tampered data.</summary>
[Collection(AgentTestGroup.Name)]
public sealed class AgentDeploymentTests(AgentEnvironment environment)
{
    // Below the device's largest chunk: JSON escapes '+' in base64 as \u002B, so a chunk of exactly the largest
    // size can exceed the deploy-chunk body limit (see the report on BundleChunker.ChunkPayloadLimit).
    private const int ChunkSize = 512 * 1024;

    [MosquittoFact]
    public async Task InterruptedDeployment_Resumes_AndTheDeviceInspectsWithTheNewBundle()
    {
        const string id = "d-deploy";
        await using var device = await DeviceUnderTest.StartAsync(environment, id);
        var oldBundle = device.Agent.Host.Bundle.BundleId;
        var plan = BundleChunker.Plan(environment.SecondArchive, "dep-1", ChunkSize, environment.SecondBundleId);
        var half = plan.Chunks.Count / 2;
        Assert.True(half >= 2, $"the archive has only {plan.Chunks.Count} chunks");

        // Given half of the chunks delivered
        await using (var first = await Fleet.ConnectAsync(environment.Broker!.Port, environment.PasswordFile, id))
        {
            await first.OkAsync(id, "deploy", plan);
            for (var index = 0; index < half; index++)
            {
                await first.OkAsync(id, "deploy-chunk", Chunk(plan, index, environment.SecondArchive));
            }
        }

        // When both ends go away (the fleet tool's connection and the device program) and come back
        await device.RestartAsync();
        Assert.Equal(oldBundle, device.Agent.Host.Bundle.BundleId);
        await using var fleet = await Fleet.ConnectAsync(environment.Broker!.Port, environment.PasswordFile, id);
        var framesBefore = await fleet.FramesAsync(id);
        var sender = new BundleSender(fleet.Connection, TimeSpan.FromSeconds(90));
        var status = await sender.SendAsync(id, environment.SecondArchive, plan);

        // Then only the missing chunks were sent, and the new bundle was verified and put in service
        Assert.Equal(plan.Chunks.Count - half, sender.ChunksSent);
        Assert.True(status.Complete);
        var outcome = status.Outcome!.Value;
        Assert.True(outcome.GetProperty("installed").GetBoolean());
        Assert.Equal(environment.SecondBundleId, outcome.GetProperty("bundleId").GetString());
        Assert.Equal(oldBundle, outcome.GetProperty("previousBundleId").GetString());
        Assert.True(outcome.GetProperty("inspecting").GetBoolean());
        device.Logs.WaitFor(e => e.EventId.Id == 5004 && e.Message.Contains(environment.SecondBundleId, StringComparison.Ordinal), Fleet.Wait);

        // And the device inspects with it: status, the updated retained status and rising frame counts say so
        var report = await fleet.StatusAsync(id);
        Assert.Equal(environment.SecondBundleId, report.GetProperty("versions").GetProperty("bundle").GetString());
        await fleet.Sink.WaitForAsync(m => Fleet.Is(m, id, TopicKind.Status) && Fleet.Text(m).Contains(environment.SecondBundleId, StringComparison.Ordinal), Fleet.Wait);
        var framesAfter = await fleet.FramesAsync(id);
        await device.WaitForFramesAsync(framesAfter + 5, Fleet.Wait);
        Assert.True(framesAfter >= framesBefore, $"frames went back from {framesBefore} to {framesAfter}");
        Assert.NotEmpty(device.Agent.Host.Loop!.RecentVerdicts);
        Assert.Equal(environment.SecondBundleId, device.Agent.Host.Pipeline.Bundle.BundleId);

        // And a restart of the device program keeps the deployed bundle in service
        await device.RestartAsync();
        Assert.Equal(environment.SecondBundleId, device.Agent.Host.Bundle.BundleId);
    }

    [MosquittoFact]
    public async Task TamperedChunk_AndTamperedBundleInACorrectArchive_AreRefused_AndTheOldBundleStaysInService()
    {
        const string id = "d-tamper";
        await using var device = await DeviceUnderTest.StartAsync(environment, id);
        await using var fleet = await Fleet.ConnectAsync(environment.Broker!.Port, environment.PasswordFile, id);
        var oldBundle = device.Agent.Host.Bundle.BundleId;
        await device.WaitForFramesAsync(3, Fleet.Wait);

        // When a chunk is damaged on the way
        var plan = BundleChunker.Plan(environment.SecondArchive, "dep-chunk", ChunkSize, environment.SecondBundleId);
        await fleet.OkAsync(id, "deploy", plan);
        var bytes = BundleChunker.ReadChunk(environment.SecondArchive, ChunkSize, 0);
        bytes[100] ^= 0x40;
        var tampered = await fleet.AskAsync(id, "deploy-chunk", new DeployChunkRequest { Schema = DeviceMessage.SchemaVersion, DeploymentId = "dep-chunk", Index = 0, Data = BundleChunker.EncodeChunk(bytes) });

        // Then it is refused and not stored
        Assert.False(tampered.Ok);
        Assert.Equal(CommandErrorCodes.DigestMismatch, tampered.Error!.Code);
        var resumed = (await fleet.OkAsync(id, "deploy", plan)).Deserialize(ProtocolJson.InfoOf<DeploymentStatus>())!;
        Assert.Empty(resumed.Received);

        // When a whole archive arrives intact, but the bundle in it was changed after its manifest was written
        var badPlan = BundleChunker.Plan(environment.TamperedArchive, "dep-bundle", ChunkSize, "tampered");
        var error = await Assert.ThrowsAsync<CommandException>(() => new BundleSender(fleet.Connection, TimeSpan.FromSeconds(90)).SendAsync(id, environment.TamperedArchive, badPlan));

        // Then the installer refuses it, naming the file, and the old bundle keeps inspecting
        Assert.Equal(CommandErrorCodes.DigestMismatch, error.Code);
        Assert.Contains("sha256", error.Message, StringComparison.Ordinal);
        Assert.Contains(oldBundle + " stays in service", error.Message, StringComparison.Ordinal);
        device.Logs.WaitFor(e => e.EventId.Id == 5005 && e.Level == Microsoft.Extensions.Logging.LogLevel.Error && e.Message.Contains(oldBundle + " stays in service", StringComparison.Ordinal), Fleet.Wait);
        var status = await fleet.StatusAsync(id);
        Assert.Equal(oldBundle, status.GetProperty("versions").GetProperty("bundle").GetString());
        var frames = status.GetProperty("inspection").GetProperty("frames").GetInt64();
        await device.WaitForFramesAsync(frames + 5, Fleet.Wait);
        var bundles = Path.Combine(device.StateDirectory, DeployedBundles.DirectoryName);
        Assert.False(Directory.Exists(bundles) && Directory.EnumerateDirectories(bundles).Any(), "a refused bundle left a folder behind");
    }

    private static DeployChunkRequest Chunk(DeployRequest plan, int index, string archive) => new()
    {
        Schema = DeviceMessage.SchemaVersion,
        DeploymentId = plan.DeploymentId,
        Index = index,
        Data = BundleChunker.EncodeChunk(BundleChunker.ReadChunk(archive, plan.ChunkSize, index)),
    };
}
