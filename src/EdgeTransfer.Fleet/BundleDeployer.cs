using System.Diagnostics;
using System.Text.Json;
using EdgeTransfer.Mqtt.Client;
using EdgeTransfer.Mqtt.Commands;
using EdgeTransfer.Mqtt.Deployment;
using EdgeTransfer.Mqtt.Protocol;

namespace EdgeTransfer.Fleet;

/// <summary>
/// Sends one bundle archive to many devices (protocol v1 deployment, docs/mqtt.md): the plan, then only
/// the chunks each device lacks, one acknowledged request at a time. A timeout or a lost connection is
/// not the end: the plan is sent again and the device's reply says which chunks it holds, so the
/// transfer resumes where it stopped — also when the whole command is run again later.
/// </summary>
/// <param name="connection">A connected fleet connection (not owned).</param>
/// <param name="timeout">How long each request may wait for its reply.</param>
/// <param name="attempts">Plans sent per device before giving up (1 = no retry).</param>
public sealed class BundleDeployer(MqttConnection connection, TimeSpan timeout, int attempts = 3)
{
    /// <summary>
    /// Deploys <paramref name="source"/> to every device, at most <paramref name="parallel"/> at a time
    /// (chunks are large: a few transfers in flight fill a plant's uplink better than hundreds).
    /// </summary>
    /// <param name="devices">The device ids.</param>
    /// <param name="source">The archive.</param>
    /// <param name="chunkSize">The chunk size (the device's limit applies; 256 KiB by default).</param>
    /// <param name="parallel">Devices served at once.</param>
    /// <param name="progress">Told after the plan and after every chunk; may be null.</param>
    /// <param name="cancellationToken">Stops between chunks; run the deployment again to resume.</param>
    /// <returns>One outcome per device, in order.</returns>
    public async Task<IReadOnlyList<DeploymentOutcome>> DeployAsync(
        IReadOnlyList<string> devices,
        BundleSource source,
        int chunkSize = BundleChunker.DefaultChunkSize,
        int parallel = 4,
        IProgress<DeployProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(devices);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentOutOfRangeException.ThrowIfLessThan(parallel, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(attempts, 1);
        var plan = BundleChunker.Plan(source.ArchivePath, source.DeploymentId, chunkSize);
        using var gate = new SemaphoreSlim(parallel);
        var tasks = devices.Select(async device =>
        {
            await gate.WaitAsync(cancellationToken);
            try
            {
                return await DeployOneAsync(device, source.ArchivePath, plan, progress, cancellationToken);
            }
            finally
            {
                gate.Release();
            }
        }).ToList();
        return await Task.WhenAll(tasks);
    }

    private async Task<DeploymentOutcome> DeployOneAsync(string device, string archive, DeployRequest plan, IProgress<DeployProgress>? progress, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var sent = 0;
        var alreadyHeld = -1;
        string? lastError = null;
        for (var attempt = 1; attempt <= attempts; attempt++)
        {
            try
            {
                var status = await AskAsync(device, "deploy", ProtocolJson.Serialize(plan), cancellationToken);
                alreadyHeld = alreadyHeld < 0 ? status.Received.Count : alreadyHeld;
                progress?.Report(new DeployProgress(device, status.Received.Count, plan.Chunks.Count, attempt));
                status = await BundleSender.SendMissingChunksAsync(
                    archive,
                    plan,
                    status,
                    async body =>
                    {
                        var reply = await AskAsync(device, "deploy-chunk", body, cancellationToken);
                        sent++;
                        progress?.Report(new DeployProgress(device, reply.Complete ? plan.Chunks.Count : reply.Received.Count, plan.Chunks.Count, attempt));
                        return reply;
                    },
                    cancellationToken);

                return new DeploymentOutcome
                {
                    Device = device,
                    Ok = status.Complete,
                    Chunks = plan.Chunks.Count,
                    AlreadyHeld = alreadyHeld,
                    Sent = sent,
                    Attempts = attempt,
                    Outcome = status.Outcome,
                    Error = status.Complete ? null : "the device did not report the deployment complete after the last chunk.",
                    Seconds = clock.Elapsed.TotalSeconds,
                };
            }
            catch (CommandException ex)
            {
                // A refusal (digest mismatch, too large, installer said no) will not change by resending.
                return Failed(device, plan, alreadyHeld, sent, attempt, $"{ex.Code}: {ex.Message}", clock);
            }
            catch (Exception ex) when (ex is TimeoutException or BrokerConnectionException)
            {
                lastError = ex.Message;
                // Let the connection come back before resending the plan; bounded by the attempts.
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                wait.CancelAfter(timeout);
                try
                {
                    await connection.WaitConnectedAsync(wait.Token);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                }
            }
        }

        return Failed(device, plan, alreadyHeld, sent, attempts, $"gave up after {attempts} attempts: {lastError} Run the same deployment again to resume.", clock);
    }

    private static DeploymentOutcome Failed(string device, DeployRequest plan, int alreadyHeld, int sent, int attempts, string error, Stopwatch clock) => new()
    {
        Device = device,
        Ok = false,
        Chunks = plan.Chunks.Count,
        AlreadyHeld = Math.Max(alreadyHeld, 0),
        Sent = sent,
        Attempts = attempts,
        Error = error,
        Seconds = clock.Elapsed.TotalSeconds,
    };

    private async Task<DeploymentStatus> AskAsync(string device, string name, byte[] body, CancellationToken cancellationToken)
    {
        var reply = await connection.SendCommandAsync(device, name, body, timeout, cancellationToken);
        if (!reply.Ok)
        {
            throw new CommandException(reply.Error?.Code ?? CommandErrorCodes.Failed, reply.Error?.Field, $"device '{device}' refused {name}: {reply.Error?.Message}");
        }

        return reply.Result is { } result
            ? result.Deserialize(ProtocolJson.InfoOf<DeploymentStatus>()) ?? throw new CommandException(CommandErrorCodes.Failed, null, $"device '{device}' answered {name} with null.")
            : throw new CommandException(CommandErrorCodes.Failed, null, $"device '{device}' answered {name} without a deployment status.");
    }
}
