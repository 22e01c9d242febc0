using System.Text.Json;
using EdgeTransfer.Artifacts.IO;
using EdgeTransfer.Mqtt.Commands;
using EdgeTransfer.Mqtt.Protocol;

namespace EdgeTransfer.Mqtt.Deployment;

/// <summary>
/// The device side of a deployment: stages verified chunks under the deployment id, answers which it
/// holds (so an interrupted transfer resumes), assembles and checks the whole archive, and hands it to
/// the installer (the runtime unpacks, verifies the manifest and swaps atomically).
/// </summary>
/// <remarks>
/// The staging directory comes from the device's configuration. A payload only supplies a validated id
/// (see <see cref="ProtocolIds.IsValidId"/>) that selects <c>{staging}/{id}/</c>, and chunk indices
/// that select <c>chunk-000042.bin</c> inside it; no text from a payload is ever joined into a path.
/// A chunk whose sha256 does not match the plan is refused and not stored; nothing in service changes
/// until the installer says so.
/// </remarks>
public sealed class DeploymentReceiver
{
    private const string PlanFile = "plan.json";
    private readonly string _staging;
    private readonly Func<ReceivedBundle, CancellationToken, ValueTask<CommandResult>> _install;

    /// <summary>Creates the receiver.</summary>
    /// <param name="options">The staging directory and limits.</param>
    /// <param name="install">Unpacks, verifies and swaps the bundle; throws (a <see cref="CommandException"/> for a clear reply) to refuse it.</param>
    public DeploymentReceiver(DeploymentReceiverOptions options, Func<ReceivedBundle, CancellationToken, ValueTask<CommandResult>> install)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(install);
        if (string.IsNullOrWhiteSpace(options.StagingDirectory))
        {
            throw new InvalidSettingException("deployment.stagingDirectory", "expected a directory for incoming bundles, got nothing.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxBundleBytes, 1);
        Options = options;
        _staging = Path.GetFullPath(options.StagingDirectory);
        _install = install;
        Directory.CreateDirectory(_staging);
    }

    /// <summary>The options.</summary>
    public DeploymentReceiverOptions Options { get; }

    /// <summary>Registers <c>deploy</c> and <c>deploy-chunk</c> on <paramref name="router"/>.</summary>
    /// <param name="router">The device's router.</param>
    /// <param name="maxChunkSize">The largest chunk size accepted (sets the <c>deploy-chunk</c> body limit).</param>
    public void Register(CommandRouter router, int maxChunkSize = BundleChunker.DefaultChunkSize)
    {
        ArgumentNullException.ThrowIfNull(router);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxChunkSize, BundleChunker.MinChunkSize);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxChunkSize, BundleChunker.MaxChunkSize);
        // A plan lists a 67-byte digest per chunk (1 GiB in 256 KiB chunks is 4096 digests, ~280 KB). It may be as
        // large as the largest chunk request, so that one chunk stays the device's largest command (and sets its
        // MQTT packet limit); larger only when this device's largest bundle in its largest chunks needs more.
        var chunkLimit = BundleChunker.ChunkPayloadLimit(maxChunkSize);
        var planForLargestBundle = ((Options.MaxBundleBytes / maxChunkSize) + 1) * 70 + 4096;
        var planLimit = (int)Math.Min(8 << 20, Math.Max(Math.Max(router.Options.MaxPayloadBytes, chunkLimit), planForLargestBundle));
        router.Register("deploy", ProtocolJsonContext.Default.DeployRequest, (r, c, t) => BeginAsync(r, maxChunkSize, t), planLimit);
        router.Register("deploy-chunk", ProtocolJsonContext.Default.DeployChunkRequest, ChunkAsync, chunkLimit);
    }

    /// <summary>What the device holds of deployment <paramref name="deploymentId"/>, or null if none is staged.</summary>
    /// <param name="deploymentId">The deployment id.</param>
    public DeploymentStatus? GetStatus(string deploymentId)
    {
        var directory = DirectoryOf(deploymentId);
        var plan = ReadPlan(directory);
        return plan is null ? null : Status(plan, directory);
    }

    private async ValueTask<CommandResult> BeginAsync(DeployRequest request, int maxChunkSize, CancellationToken cancellationToken)
    {
        if (request.Size > Options.MaxBundleBytes)
        {
            throw new CommandException(CommandErrorCodes.OutOfRange, "size", $"size: this device accepts bundles up to {Options.MaxBundleBytes:N0} bytes, got {request.Size:N0}.");
        }

        if (request.ChunkSize > maxChunkSize)
        {
            throw new CommandException(CommandErrorCodes.OutOfRange, "chunkSize", $"chunkSize: this device accepts chunks up to {maxChunkSize:N0} bytes, got {request.ChunkSize:N0}.");
        }

        var directory = DirectoryOf(request.DeploymentId);
        var existing = ReadPlan(directory);
        if (existing is not null && !SamePlan(existing, request))
        {
            if (existing.Size != request.Size || existing.Sha256 != request.Sha256)
            {
                throw new CommandException(CommandErrorCodes.InvalidValue, "deploymentId", $"deploymentId: '{request.DeploymentId}' is staged with another archive (sha256 {existing.Sha256}, {existing.Size:N0} bytes; this plan: sha256 {request.Sha256}, {request.Size:N0} bytes); use a new deployment id.");
            }

            // The same archive cut into other chunks: the chunks held do not fit the new plan, so staging starts over.
            existing = null;
        }

        if (existing is null)
        {
            // One deployment at a time: a new plan discards other half-received ones, so the staging
            // area never holds more than one bundle's worth of chunks.
            foreach (var other in Directory.EnumerateDirectories(_staging))
            {
                Directory.Delete(other, recursive: true);
            }

            Directory.CreateDirectory(directory);
            AtomicFile.WriteAllBytes(Path.Combine(directory, PlanFile), JsonSerializer.SerializeToUtf8Bytes(request, ProtocolJsonContext.Default.DeployRequest));
        }

        var status = Status(request, directory);
        if (status.Received.Count < request.Chunks.Count)
        {
            return CommandResult.Of(status, ProtocolJsonContext.Default.DeploymentStatus);
        }

        // Every chunk is held already (the device stopped after the last chunk, before the install finished):
        // no chunk will come to trigger the install, so the plan does.
        var outcome = await CompleteAsync(request, directory, cancellationToken);
        return CommandResult.Of(status with { Complete = true, Outcome = outcome.Value }, ProtocolJsonContext.Default.DeploymentStatus);
    }

    private async ValueTask<CommandResult> ChunkAsync(DeployChunkRequest request, CommandContext context, CancellationToken cancellationToken)
    {
        var directory = DirectoryOf(request.DeploymentId);
        var plan = ReadPlan(directory)
            ?? throw new CommandException(CommandErrorCodes.NotFound, "deploymentId", $"deploymentId: no deployment '{request.DeploymentId}' is staged; send cmd/deploy with its plan first.");
        if (request.Index >= plan.Chunks.Count)
        {
            throw new CommandException(CommandErrorCodes.OutOfRange, "index", $"index: expected 0 to {plan.Chunks.Count - 1}, got {request.Index}.");
        }

        var index = (int)request.Index;

        var expectedLength = (int)Math.Min(plan.ChunkSize, plan.Size - ((long)index * plan.ChunkSize));
        var data = new byte[(((request.Data.Length + 3) / 4) * 3) + 3];
        if (!BundleChunker.TryDecodeChunk(request.Data, data, out var length))
        {
            throw new CommandException(CommandErrorCodes.InvalidValue, "data", "data: expected the chunk as base64url (RFC 4648 §5), got other characters.");
        }

        if (length != expectedLength)
        {
            throw new CommandException(CommandErrorCodes.InvalidValue, "data", $"data: chunk {index} must be {expectedLength:N0} bytes, got {length:N0}; it was refused.");
        }

        var digest = Sha256.OfBytes(data.AsSpan(0, length));
        if (digest != plan.Chunks[index])
        {
            throw new CommandException(CommandErrorCodes.DigestMismatch, "data", $"data: chunk {index} has sha256 {Sha256.Abbreviate(digest)}, the plan says {Sha256.Abbreviate(plan.Chunks[index])}; it was refused (damaged or tampered). Resend it.");
        }

        AtomicFile.WriteAllBytes(ChunkPath(directory, index), data.AsSpan(0, length));
        var status = Status(plan, directory);
        if (status.Received.Count < plan.Chunks.Count)
        {
            return CommandResult.Of(status, ProtocolJsonContext.Default.DeploymentStatus);
        }

        var outcome = await CompleteAsync(plan, directory, cancellationToken);
        return CommandResult.Of(status with { Complete = true, Outcome = outcome.Value }, ProtocolJsonContext.Default.DeploymentStatus);
    }

    private async ValueTask<CommandResult> CompleteAsync(DeployRequest plan, string directory, CancellationToken cancellationToken)
    {
        var archive = Path.Combine(directory, "bundle.archive");
        try
        {
            AtomicFile.Write(archive, stream =>
            {
                for (var i = 0; i < plan.Chunks.Count; i++)
                {
                    using var chunk = File.OpenRead(ChunkPath(directory, i));
                    chunk.CopyTo(stream);
                }
            });
            var digest = Sha256.OfFile(archive);
            if (digest != plan.Sha256)
            {
                throw new CommandException(CommandErrorCodes.DigestMismatch, "sha256", $"sha256: the assembled archive has sha256 {Sha256.Abbreviate(digest)}, the plan says {Sha256.Abbreviate(plan.Sha256)}; the deployment was discarded, nothing was installed.");
            }

            return await _install(new ReceivedBundle { DeploymentId = plan.DeploymentId, BundleId = plan.BundleId, ArchivePath = archive, Size = plan.Size, Sha256 = digest }, cancellationToken);
        }
        finally
        {
            // Done either way: a failed install is retried with a fresh deployment, never from stale staging.
            Directory.Delete(directory, recursive: true);
        }
    }

    private static DeploymentStatus Status(DeployRequest plan, string directory)
    {
        var received = new List<int>();
        for (var i = 0; i < plan.Chunks.Count; i++)
        {
            var expected = Math.Min(plan.ChunkSize, plan.Size - ((long)i * plan.ChunkSize));
            var file = new FileInfo(ChunkPath(directory, i));
            // Chunks are verified before they are written (atomically), so size is enough here; the
            // whole-archive sha256 catches anything that changed on disk since.
            if (file.Exists && file.Length == expected)
            {
                received.Add(i);
            }
        }

        return new DeploymentStatus { DeploymentId = plan.DeploymentId, Chunks = plan.Chunks.Count, Received = received };
    }

    private static bool SamePlan(DeployRequest a, DeployRequest b) =>
        a.Size == b.Size && a.Sha256 == b.Sha256 && a.ChunkSize == b.ChunkSize && a.Chunks.SequenceEqual(b.Chunks, StringComparer.Ordinal);

    private static DeployRequest? ReadPlan(string directory)
    {
        var path = Path.Combine(directory, PlanFile);
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize(File.ReadAllBytes(path), ProtocolJsonContext.Default.DeployRequest);
        }
        catch (JsonException)
        {
            // Written atomically, so only a hand edit or a damaged disk gets here: treated as nothing staged,
            // and the next plan for this id starts the staging over.
            return null;
        }
    }

    private static string ChunkPath(string directory, int index) => Path.Combine(directory, $"chunk-{index:D6}.bin");

    private string DirectoryOf(string deploymentId)
    {
        ProtocolIds.RequireId(deploymentId, "deploymentId");
        var directory = Path.GetFullPath(Path.Combine(_staging, deploymentId));
        // Defence in depth: the id's allow-list already excludes separators and "..".
        if (!directory.StartsWith(_staging + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new CommandException(CommandErrorCodes.InvalidValue, "deploymentId", $"deploymentId: {ProtocolIds.Quote(deploymentId)} does not name an entry of the staging area.");
        }

        return directory;
    }
}
