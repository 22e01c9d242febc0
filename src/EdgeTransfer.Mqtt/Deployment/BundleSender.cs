using System.Text.Json;
using EdgeTransfer.Mqtt.Client;
using EdgeTransfer.Mqtt.Commands;
using EdgeTransfer.Mqtt.Protocol;

namespace EdgeTransfer.Mqtt.Deployment;

/// <summary>
/// The fleet side of a deployment: sends the plan, then only the chunks the device does not hold yet,
/// one at a time, each acknowledged by a reply. Calling it again with the same deployment id resumes.
/// </summary>
/// <param name="connection">A fleet connection (not owned).</param>
/// <param name="timeout">How long to wait for each reply.</param>
public sealed class BundleSender(MqttConnection connection, TimeSpan timeout)
{
    /// <summary>Chunks sent by this instance so far (a resumed deployment sends fewer).</summary>
    public int ChunksSent { get; private set; }

    /// <summary>Sends <paramref name="archivePath"/> to <paramref name="device"/> and returns the final status.</summary>
    /// <param name="device">The device id.</param>
    /// <param name="archivePath">The bundle archive.</param>
    /// <param name="plan">The plan made by <see cref="BundleChunker.Plan"/> for this archive.</param>
    /// <param name="cancellationToken">Stops between chunks; run again with the same plan to resume.</param>
    /// <exception cref="CommandException">The device refused the plan or a chunk (code and message from its reply).</exception>
    public async Task<DeploymentStatus> SendAsync(string device, string archivePath, DeployRequest plan, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var status = await AskAsync(device, "deploy", ProtocolJson.Serialize(plan), cancellationToken);
        return await SendMissingChunksAsync(
            archivePath,
            plan,
            status,
            async body =>
            {
                var reply = await AskAsync(device, "deploy-chunk", body, cancellationToken);
                ChunksSent++;
                return reply;
            },
            cancellationToken);
    }

    /// <summary>
    /// Sends, one at a time and in order, the chunks of <paramref name="plan"/> that <paramref name="status"/> does
    /// not list as held, until the device reports the deployment complete.
    /// </summary>
    /// <param name="archivePath">The bundle archive.</param>
    /// <param name="plan">The plan made by <see cref="BundleChunker.Plan"/> for this archive.</param>
    /// <param name="status">The device's reply to the plan.</param>
    /// <param name="sendChunk">
    /// Sends one serialized <see cref="DeployChunkRequest"/> as the <c>deploy-chunk</c> command and returns the
    /// device's reply; called once per chunk, after the previous call has completed.
    /// </param>
    /// <param name="cancellationToken">Checked before every chunk.</param>
    /// <returns>The device's last reply (<paramref name="status"/> when no chunk was sent).</returns>
    public static async Task<DeploymentStatus> SendMissingChunksAsync(
        string archivePath,
        DeployRequest plan,
        DeploymentStatus status,
        Func<byte[], Task<DeploymentStatus>> sendChunk,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(status);
        ArgumentNullException.ThrowIfNull(sendChunk);
        var held = status.Received.ToHashSet();
        for (var index = 0; index < plan.Chunks.Count && !status.Complete; index++)
        {
            if (held.Contains(index))
            {
                continue;
            }

            cancellationToken.ThrowIfCancellationRequested();
            var chunk = new DeployChunkRequest
            {
                Schema = DeviceMessage.SchemaVersion,
                DeploymentId = plan.DeploymentId,
                Index = index,
                Data = BundleChunker.EncodeChunk(BundleChunker.ReadChunk(archivePath, plan.ChunkSize, index)),
            };
            status = await sendChunk(ProtocolJson.Serialize(chunk));
        }

        return status;
    }

    private async Task<DeploymentStatus> AskAsync(string device, string name, byte[] body, CancellationToken cancellationToken)
    {
        var reply = await connection.SendCommandAsync(device, name, body, timeout, cancellationToken);
        if (!reply.Ok)
        {
            throw new CommandException(reply.Error?.Code ?? CommandErrorCodes.Failed, reply.Error?.Field, $"Device '{device}' refused {name}: {reply.Error?.Message}");
        }

        return reply.Result is { } result
            ? result.Deserialize(ProtocolJsonContext.Default.DeploymentStatus) ?? throw new JsonException("null status")
            : throw new CommandException(CommandErrorCodes.Failed, null, $"Device '{device}' answered {name} without a deployment status.");
    }
}
