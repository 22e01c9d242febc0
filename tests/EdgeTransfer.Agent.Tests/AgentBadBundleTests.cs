using System.Formats.Tar;
using System.IO.Compression;
using System.Text.Json.Nodes;
using EdgeTransfer.Agent.Tests.Infrastructure;
using EdgeTransfer.Artifacts.Manifest;
using EdgeTransfer.Mqtt.Commands;
using EdgeTransfer.Mqtt.Deployment;
using EdgeTransfer.Runtime.Loading;
using EdgeTransfer.Testing;

namespace EdgeTransfer.Agent.Tests;

/// <summary>
/// Deployments whose archive arrives intact but holds a bad manifest or a bad tree: an <c>invalid_value</c> reply that
/// names the problem in words (no .NET exception text), the old bundle in service, no slot folder left behind.
/// </summary>
[Collection(AgentTestGroup.Name)]
public sealed class AgentBadBundleTests(AgentEnvironment environment)
{
    private const int ChunkSize = 512 * 1024;

    // The mistake, and what the reply must name.
    private static readonly (string Mistake, string Names)[] Mistakes =
    [
        ("version-text", "formatVersion"),
        ("version-null", "formatVersion"),
        ("version-object", "formatVersion"),
        ("no-files", "files"),
        ("no-float-ops", "quantization.floatOps"),
        ("file-then-file-inside", "x is not listed in the manifest"),
    ];

    [MosquittoFact]
    public async Task BadManifestsAndTrees_AreRefusedAsInvalidValue_InWords_AndLeaveNoSlot()
    {
        // Given a running device (one for every case: each start costs a backbone session on two cores)
        const string id = "d-badbundle";
        await using var device = await DeviceUnderTest.StartAsync(environment, id);
        await using var fleet = await Fleet.ConnectAsync(environment.Broker!.Port, environment.PasswordFile, id);
        var oldBundle = device.Agent.Host.Bundle.BundleId;
        var bundles = Path.Combine(device.StateDirectory, DeployedBundles.DirectoryName);

        foreach (var (mistake, names) in Mistakes)
        {
            // When an intact archive with the mistake is deployed
            var archive = environment.Combine($"bad-{mistake}.tar.gz");
            WriteArchive(environment.SecondBundleDirectory, archive, mistake);
            var plan = BundleChunker.Plan(archive, "bad-" + mistake, ChunkSize, "bad");
            var error = await Assert.ThrowsAsync<CommandException>(() => new BundleSender(fleet.Connection, TimeSpan.FromSeconds(90)).SendAsync(id, archive, plan));

            // Then the reply is invalid_value, names the key or file, keeps the old bundle, and carries no exception text
            Assert.True(error.Code == CommandErrorCodes.InvalidValue, $"{mistake}: {error.Code} {error.Message}");
            Assert.Contains(names, error.Message, StringComparison.Ordinal);
            Assert.Contains(oldBundle + " stays in service", error.Message, StringComparison.Ordinal);
            foreach (var raw in new[] { "Exception", "System.", "   at ", "Unhandled", "---" })
            {
                Assert.False(error.Message.Contains(raw, StringComparison.Ordinal), $"{mistake}: the reply holds '{raw}': {error.Message}");
            }

            // And no slot folder (empty or not) is left
            var left = Directory.Exists(bundles) ? Directory.GetDirectories(bundles) : [];
            Assert.True(left.Length == 0, $"{mistake}: a refused bundle left {string.Join(", ", left)}");
        }

        // And the old bundle still inspects
        var frames = await fleet.FramesAsync(id);
        await device.WaitForFramesAsync(frames + 3, Fleet.Wait);
        Assert.Equal(oldBundle, device.Agent.Host.Bundle.BundleId);
    }

    /// <summary>The bundle's manifest with one mistake (or followed by "x" and "x/y"), as a well-formed archive.</summary>
    private static void WriteArchive(string bundleDirectory, string archivePath, string mistake)
    {
        var manifestPath = Path.Combine(bundleDirectory, BundleManifest.FileName);
        var root = JsonNode.Parse(File.ReadAllText(manifestPath))!.AsObject();
        switch (mistake)
        {
            case "version-text": root["formatVersion"] = "1"; break;
            case "version-null": root["formatVersion"] = null; break;
            case "version-object": root["formatVersion"] = new JsonObject { ["major"] = 1 }; break;
            case "no-files": root.Remove("files"); break;
            case "no-float-ops": root["quantization"]!.AsObject().Remove("floatOps"); break;
            case "file-then-file-inside": break;
            default: throw new ArgumentOutOfRangeException(nameof(mistake), mistake, null);
        }

        using var file = File.Create(archivePath);
        using var gzip = new GZipStream(file, CompressionLevel.Fastest);
        using var tar = new TarWriter(gzip, TarEntryFormat.Pax);
        // The manifest comes first and is refused before any file it lists is needed: a few KiB to send, not 13 MB.
        tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, BundleManifest.FileName) { DataStream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(root.ToJsonString())) });
        if (mistake == "file-then-file-inside")
        {
            tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "x") { DataStream = new MemoryStream("a"u8.ToArray()) });
            tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "x/y") { DataStream = new MemoryStream("b"u8.ToArray()) });
        }
    }
}
