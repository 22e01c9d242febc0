using EdgeTransfer.Artifacts.IO;
using EdgeTransfer.Mqtt.Protocol;

namespace EdgeTransfer.Mqtt.Deployment;

/// <summary>The fleet side of a deployment: splits an archive into chunks and describes them in a <see cref="DeployRequest"/>.</summary>
public static class BundleChunker
{
    /// <summary>The default chunk size, 256 KiB: well under the broker's and devices' packet limits, large enough that a 50 MB bundle is 200 messages.</summary>
    public const int DefaultChunkSize = 256 * 1024;

    /// <summary>The smallest chunk size accepted, 1 KiB.</summary>
    public const int MinChunkSize = 1024;

    /// <summary>The largest chunk size accepted, 1 MiB.</summary>
    public const int MaxChunkSize = 1024 * 1024;

    /// <summary>Describes <paramref name="archivePath"/> for <c>cmd/deploy</c>: size, sha256 and the sha256 of each chunk.</summary>
    /// <param name="archivePath">The bundle archive.</param>
    /// <param name="deploymentId">The id the device stages it under.</param>
    /// <param name="chunkSize">The chunk size, <see cref="MinChunkSize"/> to <see cref="MaxChunkSize"/>.</param>
    /// <param name="bundleId">The bundle id, for the device's log and reply.</param>
    public static DeployRequest Plan(string archivePath, string deploymentId, int chunkSize = DefaultChunkSize, string? bundleId = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(archivePath);
        ProtocolIds.RequireId(deploymentId, "deploymentId");
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkSize, MinChunkSize);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(chunkSize, MaxChunkSize);
        var size = new FileInfo(archivePath).Length;
        if (size == 0)
        {
            throw new InvalidSettingException("bundle", $"'{archivePath}' is empty; pack the bundle first.");
        }

        var digests = new List<string>((int)((size + chunkSize - 1) / chunkSize));
        for (var i = 0; i < digests.Capacity; i++)
        {
            digests.Add(Sha256.OfBytes(ReadChunk(archivePath, chunkSize, i)));
        }

        return new DeployRequest
        {
            Schema = DeviceMessage.SchemaVersion,
            DeploymentId = deploymentId,
            BundleId = bundleId,
            Size = size,
            Sha256 = Sha256.OfFile(archivePath),
            ChunkSize = chunkSize,
            Chunks = digests,
        };
    }

    /// <summary>Reads chunk <paramref name="index"/> of the archive.</summary>
    /// <param name="archivePath">The bundle archive.</param>
    /// <param name="chunkSize">The chunk size of the plan.</param>
    /// <param name="index">The chunk index, 0-based.</param>
    public static byte[] ReadChunk(string archivePath, int chunkSize, int index)
    {
        using var stream = new FileStream(archivePath, FileMode.Open, FileAccess.Read, FileShare.Read);
        var offset = (long)index * chunkSize;
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(offset, stream.Length, nameof(index));
        var buffer = new byte[(int)Math.Min(chunkSize, stream.Length - offset)];
        stream.Position = offset;
        stream.ReadExactly(buffer);
        return buffer;
    }

    /// <summary>Encodes a chunk for <c>deploy-chunk</c>'s <c>data</c>: base64url without padding (RFC 4648 §5).</summary>
    /// <remarks>
    /// Not standard base64: System.Text.Json escapes its '+' as \u002B, which grows a chunk by about 8 % and
    /// would push a full-size chunk over the body limit. Base64url's '-' and '_' are never escaped.
    /// </remarks>
    /// <param name="chunk">The chunk bytes.</param>
    public static string EncodeChunk(ReadOnlySpan<byte> chunk) => System.Buffers.Text.Base64Url.EncodeToString(chunk);

    /// <summary>Decodes <c>data</c> written by <see cref="EncodeChunk"/>.</summary>
    /// <param name="data">The base64url text.</param>
    /// <param name="destination">Where the bytes go; at least <c>data.Length * 3 / 4 + 3</c> long.</param>
    /// <param name="written">How many bytes were decoded.</param>
    /// <returns>False when <paramref name="data"/> is not base64url (or does not fit).</returns>
    public static bool TryDecodeChunk(ReadOnlySpan<char> data, Span<byte> destination, out int written) =>
        // Not TryDecodeFromChars: it throws FormatException for a character outside the alphabet, which would
        // surface as a handler failure instead of the documented invalid_value.
        System.Buffers.Text.Base64Url.DecodeFromChars(data, destination, out var consumed, out written) == System.Buffers.OperationStatus.Done
        && consumed == data.Length;

    /// <summary>The body limit <c>deploy-chunk</c> needs for <paramref name="chunkSize"/>: base64url (4/3) plus the envelope.</summary>
    /// <param name="chunkSize">The largest chunk size the device accepts.</param>
    public static int ChunkPayloadLimit(int chunkSize) => ((chunkSize + 2) / 3 * 4) + 1024;
}
