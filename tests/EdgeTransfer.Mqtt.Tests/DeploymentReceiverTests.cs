using System.Text;
using EdgeTransfer.Artifacts.IO;
using EdgeTransfer.Mqtt.Commands;
using EdgeTransfer.Mqtt.Deployment;
using EdgeTransfer.Mqtt.Protocol;
using EdgeTransfer.Mqtt.Tests.Infrastructure;
using EdgeTransfer.Testing;

namespace EdgeTransfer.Mqtt.Tests;

public sealed class DeploymentReceiverTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Chunks_AreVerified_AssembledAndHandedOver()
    {
        using var device = new TestDevice("d1", _temp.Combine("staging"));
        var (archive, plan) = MakeArchive(5 * 1024 + 100, 1024);

        Assert.True((await Send(device, "deploy", ProtocolJson.Serialize(plan))).Ok);
        CommandReplyMessage last = null!;
        for (var i = 0; i < plan.Chunks.Count; i++)
        {
            last = await Send(device, "deploy-chunk", Chunk(plan, archive, i));
            Assert.True(last.Ok, last.Error?.Message);
        }

        Assert.True(last.Result!.Value.GetProperty("complete").GetBoolean());
        var installed = Assert.Single(device.Installed);
        Assert.Equal(plan.Sha256, Sha256.OfFile(installed.ArchivePath));
        Assert.Empty(Directory.GetDirectories(_temp.Combine("staging")));
    }

    [Fact]
    public async Task TamperedChunk_IsRefused_NotStored_AndNothingInstalled()
    {
        using var device = new TestDevice("d1", _temp.Combine("staging"));
        var (archive, plan) = MakeArchive(3000, 1024);
        await Send(device, "deploy", ProtocolJson.Serialize(plan));
        var data = BundleChunker.ReadChunk(archive, plan.ChunkSize, 1);
        data[17] ^= 1;

        var reply = await Send(device, "deploy-chunk", ProtocolJson.Serialize(new DeployChunkRequest { Schema = DeviceMessage.SchemaVersion, DeploymentId = plan.DeploymentId, Index = 1, Data = BundleChunker.EncodeChunk(data) }));

        Assert.Equal(CommandErrorCodes.DigestMismatch, reply.Error!.Code);
        Assert.Contains("chunk 1", reply.Error.Message, StringComparison.Ordinal);
        Assert.Empty(device.Receiver.GetStatus(plan.DeploymentId)!.Received);
        Assert.Empty(device.Installed);
    }

    [Fact]
    public async Task SamePlanAgain_ReportsTheChunksHeld_AcrossARestart()
    {
        var (archive, plan) = MakeArchive(4096, 1024);
        using (var device = new TestDevice("d1", _temp.Combine("staging")))
        {
            await Send(device, "deploy", ProtocolJson.Serialize(plan));
            await Send(device, "deploy-chunk", Chunk(plan, archive, 0));
            await Send(device, "deploy-chunk", Chunk(plan, archive, 2));
        }

        using var restarted = new TestDevice("d1", _temp.Combine("staging"));
        var reply = await Send(restarted, "deploy", ProtocolJson.Serialize(plan));

        Assert.Equal([0, 2], reply.Result!.Value.GetProperty("received").EnumerateArray().Select(e => e.GetInt32()));
    }

    [Fact]
    public async Task ChunkWithoutPlan_IsNotFound()
    {
        using var device = new TestDevice("d1", _temp.Combine("staging"));

        var reply = await Send(device, "deploy-chunk", Encoding.UTF8.GetBytes("""{"schema":"edgetransfer/v1","deploymentId":"nope","index":0,"data":"AA=="}"""));

        Assert.Equal(CommandErrorCodes.NotFound, reply.Error!.Code);
    }

    [Theory]
    [InlineData("!!!!")]
    [InlineData("AA+/")]
    [InlineData("A")]
    [InlineData("AAAA====")]
    public async Task ChunkThatIsNotBase64Url_IsInvalidValue_NotFailed(string data)
    {
        using var device = new TestDevice("d1", _temp.Combine("staging"));
        var (_, plan) = MakeArchive(3000, 1024);
        await Send(device, "deploy", ProtocolJson.Serialize(plan));

        var reply = await Send(device, "deploy-chunk", ProtocolJson.Serialize(new DeployChunkRequest { Schema = DeviceMessage.SchemaVersion, DeploymentId = plan.DeploymentId, Index = 0, Data = data }));

        Assert.Equal((CommandErrorCodes.InvalidValue, "data"), (reply.Error!.Code, reply.Error.Field));
        Assert.Contains("base64url", reply.Error.Message, StringComparison.Ordinal);
        Assert.Empty(device.Receiver.GetStatus(plan.DeploymentId)!.Received);
    }

    [Fact]
    public async Task ChunkIndexBeyondThePlan_NamesThePlansRange()
    {
        using var device = new TestDevice("d1", _temp.Combine("staging"));
        var (_, plan) = MakeArchive(3000, 1024);
        await Send(device, "deploy", ProtocolJson.Serialize(plan));

        var reply = await Send(device, "deploy-chunk", Encoding.UTF8.GetBytes($$"""{"schema":"edgetransfer/v1","deploymentId":"{{plan.DeploymentId}}","index":2147483647,"data":"AA"}"""));

        Assert.Equal((CommandErrorCodes.OutOfRange, "index"), (reply.Error!.Code, reply.Error.Field));
        Assert.Contains("expected 0 to 2, got 2147483647", reply.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PlanWithWrongChunkCount_IsRefused()
    {
        using var device = new TestDevice("d1", _temp.Combine("staging"));
        var (_, plan) = MakeArchive(4096, 1024);

        var reply = await Send(device, "deploy", ProtocolJson.Serialize(plan with { Chunks = plan.Chunks[..2] }));

        Assert.Equal((CommandErrorCodes.InvalidValue, "chunks"), (reply.Error!.Code, reply.Error.Field));
    }

    [Fact]
    public async Task EveryChunkHeldAfterACrash_ThePlanAgainInstalls()
    {
        // Given the state kill -9 leaves just after the archive started to appear: plan, every chunk, a partial archive
        var staging = _temp.Combine("staging");
        var (archive, plan) = MakeArchive(5000, 1024);
        using (var before = new TestDevice("d1", staging))
        {
            await Send(before, "deploy", ProtocolJson.Serialize(plan));
            for (var i = 0; i < plan.Chunks.Count - 1; i++)
            {
                await Send(before, "deploy-chunk", Chunk(plan, archive, i));
            }
        }

        var directory = Path.Combine(staging, plan.DeploymentId);
        var last = plan.Chunks.Count - 1;
        File.WriteAllBytes(Path.Combine(directory, $"chunk-{last:D6}.bin"), BundleChunker.ReadChunk(archive, plan.ChunkSize, last));
        File.WriteAllBytes(Path.Combine(directory, "bundle.archive"), new byte[700]);

        // When the device restarts and the fleet sends the same plan again
        using var restarted = new TestDevice("d1", staging);
        var reply = await Send(restarted, "deploy", ProtocolJson.Serialize(plan));

        // Then the plan itself completes the deployment (no chunk is left to trigger it)
        Assert.True(reply.Ok, reply.Error?.Message);
        Assert.True(reply.Result!.Value.GetProperty("complete").GetBoolean());
        var installed = Assert.Single(restarted.Installed);
        Assert.Equal(plan.Sha256, Sha256.OfFile(installed.ArchivePath));
        Assert.Empty(Directory.GetDirectories(staging));
    }

    [Fact]
    public async Task SameArchiveWithAnotherChunkSize_RestartsStaging_AndCompletes()
    {
        // Given half of a deployment staged in 1 KiB chunks
        var staging = _temp.Combine("staging");
        var (archive, plan) = MakeArchive(6000, 1024);
        using var device = new TestDevice("d1", staging);
        await Send(device, "deploy", ProtocolJson.Serialize(plan));
        for (var i = 0; i < 3; i++)
        {
            await Send(device, "deploy-chunk", Chunk(plan, archive, i));
        }

        // When the same archive (same id, same sha256) comes again in 2 KiB chunks
        var replan = BundleChunker.Plan(archive, plan.DeploymentId, 2048, "line3");
        var reply = await Send(device, "deploy", ProtocolJson.Serialize(replan));

        // Then staging starts over for the new plan, and the new chunks complete it
        Assert.True(reply.Ok, reply.Error?.Message);
        Assert.Empty(reply.Result!.Value.GetProperty("received").EnumerateArray());
        CommandReplyMessage last = null!;
        for (var i = 0; i < replan.Chunks.Count; i++)
        {
            last = await Send(device, "deploy-chunk", Chunk(replan, archive, i));
            Assert.True(last.Ok, last.Error?.Message);
        }

        Assert.True(last.Result!.Value.GetProperty("complete").GetBoolean());
        Assert.Equal(plan.Sha256, Sha256.OfFile(Assert.Single(device.Installed).ArchivePath));
    }

    [Fact]
    public async Task AnotherArchiveUnderTheSameId_IsRefused_NamingBothDigests()
    {
        using var device = new TestDevice("d1", _temp.Combine("staging"));
        var (_, plan) = MakeArchive(3000, 1024);
        var (_, other) = MakeArchive(3001, 1024);
        await Send(device, "deploy", ProtocolJson.Serialize(plan));

        var reply = await Send(device, "deploy", ProtocolJson.Serialize(other));

        Assert.Equal((CommandErrorCodes.InvalidValue, "deploymentId"), (reply.Error!.Code, reply.Error.Field));
        Assert.Contains(plan.Sha256, reply.Error.Message, StringComparison.Ordinal);
        Assert.Contains(other.Sha256, reply.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DamagedPlanFile_IsTreatedAsNothingStaged()
    {
        var staging = _temp.Combine("staging");
        var (archive, plan) = MakeArchive(2048, 1024);
        Directory.CreateDirectory(Path.Combine(staging, plan.DeploymentId));
        File.WriteAllText(Path.Combine(staging, plan.DeploymentId, "plan.json"), "{\"deploymentId\":");
        using var device = new TestDevice("d1", staging);

        var reply = await Send(device, "deploy", ProtocolJson.Serialize(plan));
        await Send(device, "deploy-chunk", Chunk(plan, archive, 0));
        var done = await Send(device, "deploy-chunk", Chunk(plan, archive, 1));

        Assert.True(reply.Ok, reply.Error?.Message);
        Assert.True(done.Result!.Value.GetProperty("complete").GetBoolean());
    }

    internal (string Archive, DeployRequest Plan) MakeArchive(int size, int chunkSize, string id = "dep-1")
    {
        var archive = _temp.Combine($"bundle-{Guid.NewGuid():N}.tar");
        var bytes = new byte[size];
        new Random(size).NextBytes(bytes);
        File.WriteAllBytes(archive, bytes);
        return (archive, BundleChunker.Plan(archive, id, chunkSize, "line3"));
    }

    private static byte[] Chunk(DeployRequest plan, string archive, int index) => ProtocolJson.Serialize(new DeployChunkRequest
    {
        Schema = DeviceMessage.SchemaVersion,
        DeploymentId = plan.DeploymentId,
        Index = index,
        Data = BundleChunker.EncodeChunk(BundleChunker.ReadChunk(archive, plan.ChunkSize, index)),
    });

    private static async Task<CommandReplyMessage> Send(TestDevice device, string name, byte[] body) =>
        (await device.Router.DispatchAsync(new IncomingCommand
        {
            Topic = $"edgetransfer/v1/plant1/d1/cmd/{name}",
            Payload = body,
            ResponseTopic = $"edgetransfer/v1/plant1/d1/reply/{name}",
            CorrelationData = new byte[] { 1 },
        }, CancellationToken.None)).Reply;
}
