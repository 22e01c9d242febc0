using System.Text.Json;
using EdgeTransfer.Agent.Tests.Infrastructure;
using EdgeTransfer.Mqtt.Deployment;
using EdgeTransfer.Mqtt.Protocol;
using EdgeTransfer.Runtime.Heads;
using EdgeTransfer.Runtime.Hosting;
using EdgeTransfer.Runtime.Loading;
using EdgeTransfer.Testing;

namespace EdgeTransfer.Agent.Tests;

/// <summary>
/// Redeployments keep what the device learned (samples, promoted heads) when the new bundle can use it, keep it aside
/// and say so when it cannot, and an install cut off at any point finishes with the next deployment.
/// </summary>
[Collection(AgentTestGroup.Name)]
public sealed class AgentRedeploymentTests(AgentEnvironment environment)
{
    private const int ChunkSize = 512 * 1024;

    [MosquittoFact]
    public async Task RedeployingTheSameBundle_CarriesSamplesAndHeadsOver_AndTheySurviveThePruneOfTheirFirstSlot()
    {
        const string id = "d-carry";
        await using var device = await DeviceUnderTest.StartAsync(environment, id, inspect: false);
        await using var fleet = await Fleet.ConnectAsync(environment.Broker!.Port, environment.PasswordFile, id);

        // Given the device learned on a deployed bundle: 12 labelled samples and two promoted heads (v0002, v0003)
        await DeployAsync(fleet, id, "dep-c1", environment.SecondArchive);
        var learned = Learn(device.Agent.Host, samples: 12, promotions: 2);

        // When the same bundle is deployed twice more (the first slot is pruned by the second)
        var second = await DeployAsync(fleet, id, "dep-c2", environment.SecondArchive);
        var third = await DeployAsync(fleet, id, "dep-c3", environment.SecondArchive);

        // Then both replies say what was carried over, and nothing was left behind
        foreach (var outcome in new[] { second, third })
        {
            Assert.Equal(12, outcome.GetProperty("samplesCarried").GetInt32());
            Assert.Equal([1, 2, 3], outcome.GetProperty("headsCarried").EnumerateArray().Select(e => e.GetInt32()));
            Assert.Equal(3, outcome.GetProperty("headVersion").GetInt32());
            Assert.False(outcome.TryGetProperty("notCarriedOver", out _));
        }

        Assert.Contains(third.GetProperty("removed").EnumerateArray(), e => e.GetString()!.StartsWith("b0001:", StringComparison.Ordinal));
        Assert.False(Directory.Exists(Path.Combine(device.StateDirectory, DeployedBundles.DirectoryName, "b0001")));

        // And the device in service has the very samples and heads it learned, the learned head in service
        var host = device.Agent.Host;
        Assert.Equal(3, host.Heads.Current!.Number);
        Assert.Equal(HeadSource.Trained, host.Heads.Current.Source);
        Assert.Equal([1, 2, 3], host.Heads.Versions.Select(v => v.Number));
        var set = host.Samples.ReadAll();
        Assert.Equal(learned.Length, set.Count);
        Assert.Equal(learned.SelectMany(f => f), set.Features);
        Assert.Equal(environment.SecondBundleId, host.Bundle.BundleId);
    }

    [MosquittoFact]
    public async Task DeployingABundleWithOtherClasses_SaysWhatIsNotCarriedOver_AndKeepsItUntilAHeadIsPromoted()
    {
        const string id = "d-classes";
        await using var device = await DeviceUnderTest.StartAsync(environment, id, inspect: false);
        await using var fleet = await Fleet.ConnectAsync(environment.Broker!.Port, environment.PasswordFile, id);
        var bundles = Path.Combine(device.StateDirectory, DeployedBundles.DirectoryName);
        await DeployAsync(fleet, id, "dep-k1", environment.SecondArchive);
        Learn(device.Agent.Host, samples: 10, promotions: 1);

        // When a bundle whose classes are in another order is deployed
        var outcome = await DeployAsync(fleet, id, "dep-k2", environment.ReorderedArchive);

        // Then the reply says the samples and heads were not carried over, why, and where they are kept
        var reason = outcome.GetProperty("notCarriedOver").GetString()!;
        Assert.Contains("10 labelled samples were not carried over", reason, StringComparison.Ordinal);
        Assert.Contains("promoted heads (up to v0002) were not carried over", reason, StringComparison.Ordinal);
        Assert.Contains("classes", reason, StringComparison.Ordinal);
        Assert.Contains("kept in slot b0001", reason, StringComparison.Ordinal);
        Assert.Equal(0, outcome.GetProperty("samplesCarried").GetInt32());
        Assert.Equal(0, device.Agent.Host.Samples.Count);

        // And after one more deployment (which would have pruned b0001) the learned state is still on the disk
        var again = await DeployAsync(fleet, id, "dep-k3", environment.ReorderedArchive);
        Assert.Empty(again.GetProperty("removed").EnumerateArray());
        Assert.True(Directory.Exists(Path.Combine(bundles, "b0001", "state", "samples")));
        Assert.True(Directory.Exists(Path.Combine(bundles, "b0003")));

        // And it goes (with a reason) only once a head trained on the new bundle is promoted
        Learn(device.Agent.Host, samples: 0, promotions: 1);
        await device.RestartAsync();
        Assert.False(Directory.Exists(Path.Combine(bundles, "b0001")));
        Assert.Equal(environment.ReorderedBundleId, device.Agent.Host.Bundle.BundleId);
    }

    [MosquittoFact]
    public async Task InstallCutOffAfterTheLastChunk_LeavesAnOrphanSlot_ThatGoesAtStart_AndTheSamePlanFinishes()
    {
        const string id = "d-crash";
        await using var device = await DeviceUnderTest.StartAsync(environment, id, inspect: false);
        var plan = BundleChunker.Plan(environment.SecondArchive, "dep-crash", ChunkSize, environment.SecondBundleId);
        await using (var first = await Fleet.ConnectAsync(environment.Broker!.Port, environment.PasswordFile, id))
        {
            await first.OkAsync(id, "deploy", plan);
            for (var index = 0; index < plan.Chunks.Count - 1; index++)
            {
                await first.OkAsync(id, "deploy-chunk", Chunk(plan, index));
            }
        }

        // Given the state kill -9 leaves in the middle of an install: every chunk staged, the archive half written,
        // and a slot half unpacked that no record names
        var staging = Path.Combine(device.StateDirectory, "mqtt", "staging", plan.DeploymentId);
        var orphan = Path.Combine(device.StateDirectory, DeployedBundles.DirectoryName, "b0001");
        await device.RestartAsync(() =>
        {
            var last = plan.Chunks.Count - 1;
            File.WriteAllBytes(Path.Combine(staging, $"chunk-{last:D6}.bin"), BundleChunker.ReadChunk(environment.SecondArchive, plan.ChunkSize, last));
            File.WriteAllBytes(Path.Combine(staging, "bundle.archive"), new byte[4096]);
            Directory.CreateDirectory(Path.Combine(orphan, "bundle"));
            File.WriteAllBytes(Path.Combine(orphan, "bundle", "manifest.json"), "{\"formatVer"u8.ToArray());
        });

        // Then the orphan slot was removed at start
        Assert.False(Directory.Exists(orphan));

        // And the same deployment sent again installs without sending a chunk
        await using var fleet = await Fleet.ConnectAsync(environment.Broker!.Port, environment.PasswordFile, id);
        var sender = new BundleSender(fleet.Connection, TimeSpan.FromSeconds(90));
        var status = await sender.SendAsync(id, environment.SecondArchive, plan);
        Assert.Equal(0, sender.ChunksSent);
        Assert.True(status.Complete);
        Assert.True(status.Outcome!.Value.GetProperty("installed").GetBoolean());
        Assert.Equal(environment.SecondBundleId, device.Agent.Host.Bundle.BundleId);
    }

    private static async Task<JsonElement> DeployAsync(Fleet fleet, string device, string deploymentId, string archive)
    {
        var plan = BundleChunker.Plan(archive, deploymentId, ChunkSize);
        var status = await new BundleSender(fleet.Connection, TimeSpan.FromSeconds(120)).SendAsync(device, archive, plan);
        Assert.True(status.Complete);
        return status.Outcome!.Value;
    }

    // Learned state put straight into the host's store and registry (training itself is tested elsewhere).
    private static float[][] Learn(DeviceHost host, int samples, int promotions)
    {
        var random = new Random(samples + 17);
        var classes = host.Bundle.Classes;
        var features = new float[samples][];
        for (var i = 0; i < samples; i++)
        {
            features[i] = [.. Enumerable.Range(0, host.Samples.FeatureDimension).Select(_ => (float)random.NextDouble())];
            host.Samples.Add(classes[i % classes.Count], features[i], $"{i}");
        }

        for (var i = 0; i < promotions; i++)
        {
            var metrics = new HeadMetrics(0.9, 8, 24, [.. classes.Select(c => new ClassMetrics(c, 0.9, 2))]);
            host.Heads.Promote(host.Heads.ReadCurrent(), metrics);
        }

        return features;
    }

    private DeployChunkRequest Chunk(DeployRequest plan, int index) => new()
    {
        Schema = DeviceMessage.SchemaVersion,
        DeploymentId = plan.DeploymentId,
        Index = index,
        Data = BundleChunker.EncodeChunk(BundleChunker.ReadChunk(environment.SecondArchive, plan.ChunkSize, index)),
    };
}
