using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using EdgeTransfer.Artifacts.IO;
using EdgeTransfer.Artifacts.Json;

namespace EdgeTransfer.Artifacts.Checkpoints;

/// <summary>
/// Reads and writes head checkpoints (<c>.etck</c>): magic <c>ETCK</c>, a format version, a JSON header
/// (tensor names and shapes, step, metadata), the float32 little-endian values of every tensor, and a
/// SHA-256 of everything before it. Writes are atomic; a reader never accepts a truncated or changed file.
/// </summary>
/// <remarks>
/// Layout (all integers little-endian): <c>"ETCK"</c> · uint32 version · uint32 header length H ·
/// H bytes of UTF-8 JSON · float32 values (parameters, then optimizer state, each row-major) · 32-byte SHA-256.
/// </remarks>
public static class CheckpointFile
{
    /// <summary>The file extension of checkpoints.</summary>
    public const string Extension = ".etck";

    /// <summary>The format version this library writes and reads.</summary>
    public const int FormatVersion = 1;

    /// <summary>The largest checkpoint accepted (a head of a few million parameters with Adam state fits easily).</summary>
    public const long MaxFileBytes = 1L << 30;

    private const int PrefixBytes = 12;
    private const int DigestBytes = 32;
    private const int MaxHeaderBytes = 16 << 20;
    private static readonly byte[] Magic = "ETCK"u8.ToArray();

    /// <summary>Writes <paramref name="checkpoint"/> to <paramref name="path"/> atomically (temporary file, fsync, rename).</summary>
    /// <param name="path">The target file; an existing file is replaced only once the new one is complete.</param>
    /// <param name="checkpoint">The checkpoint.</param>
    /// <exception cref="ArgumentException">Two tensors have the same name.</exception>
    public static void Write(string path, HeadCheckpoint checkpoint)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(checkpoint);
        CheckNames(checkpoint);
        AtomicFile.Write(path, stream => Write(stream, checkpoint));
    }

    /// <summary>Writes <paramref name="checkpoint"/> to <paramref name="stream"/> (for a bundle being written).</summary>
    /// <param name="stream">A writable stream, written front to back; it is not disposed.</param>
    /// <param name="checkpoint">The checkpoint.</param>
    /// <exception cref="ArgumentException">Two tensors have the same name.</exception>
    public static void Write(Stream stream, HeadCheckpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(checkpoint);
        CheckNames(checkpoint);
        var header = new CheckpointHeader
        {
            Step = checkpoint.Step,
            Metadata = checkpoint.Metadata,
            Parameters = [.. checkpoint.Parameters.Select(Entry)],
            OptimizerState = [.. checkpoint.OptimizerState.Select(Entry)],
        };
        var headerBytes = JsonSerializer.SerializeToUtf8Bytes(header, ArtifactsJsonContext.Default.CheckpointHeader);

        using var hashing = new HashingWriteStream(stream);
        Span<byte> prefix = stackalloc byte[PrefixBytes];
        Magic.CopyTo(prefix);
        BinaryPrimitives.WriteUInt32LittleEndian(prefix[4..], FormatVersion);
        BinaryPrimitives.WriteUInt32LittleEndian(prefix[8..], (uint)headerBytes.Length);
        hashing.Write(prefix);
        hashing.Write(headerBytes);
        foreach (var tensor in checkpoint.Parameters.Concat(checkpoint.OptimizerState))
        {
            WriteFloats(hashing, tensor.Data);
        }

        stream.Write(hashing.CurrentHash());
    }

    /// <summary>Reads and verifies the checkpoint at <paramref name="path"/>.</summary>
    /// <param name="path">The checkpoint file.</param>
    /// <exception cref="CheckpointException">The file is missing, not a regular file, too large, truncated, changed, of another format or version.</exception>
    public static HeadCheckpoint Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var content = BoundedFile.ReadAllBytes(path, MaxFileBytes, reason => new CheckpointException(path, reason));
        return Read(content, path);
    }

    /// <summary>
    /// Reads and verifies the checkpoint at <paramref name="path"/>, a state file that must lie inside
    /// <paramref name="directory"/>: a symbolic link leading out of it is refused before anything is read.
    /// </summary>
    /// <param name="path">The checkpoint file.</param>
    /// <param name="directory">The state directory it belongs to.</param>
    /// <exception cref="CheckpointException">The file leads out of <paramref name="directory"/>, or see <see cref="Read(string)"/>.</exception>
    public static HeadCheckpoint Read(string path, string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentException.ThrowIfNullOrEmpty(directory);
        if (BoundedFile.LinkProblem(directory, path) is { } link)
        {
            throw new CheckpointException(path, link);
        }

        return Read(path);
    }

    /// <summary>Verifies and decodes a checkpoint held in memory.</summary>
    /// <param name="content">The whole file.</param>
    /// <param name="sourceName">The name used in messages (the file path).</param>
    /// <exception cref="CheckpointException">The content is truncated, changed, of another format or version.</exception>
    public static HeadCheckpoint Read(ReadOnlySpan<byte> content, string sourceName)
    {
        ArgumentException.ThrowIfNullOrEmpty(sourceName);
        if (content.Length < PrefixBytes + DigestBytes)
        {
            throw new CheckpointException(sourceName, content.Length == 0
                ? "the file is empty (a write was interrupted, or this is not a checkpoint)."
                : $"the file is truncated: it has {content.Length} bytes, fewer than the {PrefixBytes + DigestBytes} of an empty checkpoint.");
        }

        if (!content[..4].SequenceEqual(Magic))
        {
            // What it starts with is not shown: the file may be anything (a link to a secret), and its bytes stay private.
            throw new CheckpointException(sourceName, "it does not start with \"ETCK\"; it is not an EdgeTransfer checkpoint.");
        }

        var version = BinaryPrimitives.ReadUInt32LittleEndian(content[4..]);
        if (version != FormatVersion)
        {
            throw new CheckpointException(sourceName, $"it has format version {version}; this software reads version {FormatVersion}.");
        }

        var headerLength = BinaryPrimitives.ReadUInt32LittleEndian(content[8..]);
        if (headerLength > MaxHeaderBytes || headerLength > content.Length - PrefixBytes - DigestBytes)
        {
            throw new CheckpointException(sourceName, $"the file is truncated or damaged: its header says {headerLength} bytes, but only {content.Length - PrefixBytes - DigestBytes} bytes follow the prefix.");
        }

        // The digest is checked before anything of the header is believed: a changed byte anywhere is
        // reported as such, not as a confusing parse error.
        var body = content[..^DigestBytes];
        var actual = SHA256.HashData(body);
        if (!actual.AsSpan().SequenceEqual(content[^DigestBytes..]))
        {
            throw new CheckpointException(sourceName, $"its SHA-256 trailer does not match its content (sha256 {Sha256.Abbreviate(Convert.ToHexStringLower(actual))}, trailer says {Sha256.Abbreviate(Convert.ToHexStringLower(content[^DigestBytes..]))}); the file was truncated or changed after it was written.");
        }

        var header = ReadHeader(body.Slice(PrefixBytes, (int)headerLength), sourceName);
        var data = body[(PrefixBytes + (int)headerLength)..];
        var offset = 0;
        var parameters = ReadTensors(header.Parameters, data, ref offset, sourceName);
        var state = ReadTensors(header.OptimizerState, data, ref offset, sourceName);
        if (offset != data.Length)
        {
            throw new CheckpointException(sourceName, $"it has {data.Length - offset} bytes after the last tensor its header describes.");
        }

        return new HeadCheckpoint(parameters, state, header.Step, header.Metadata);
    }

    private static CheckpointHeader ReadHeader(ReadOnlySpan<byte> bytes, string sourceName)
    {
        ValidationError error = (path, reason) => new CheckpointException(sourceName, $"its header is not valid at '{path}': {reason}");
        string json;
        try
        {
            json = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (DecoderFallbackException ex)
        {
            throw new CheckpointException(sourceName, "its header is not UTF-8 text.", ex);
        }

        using var document = JsonShape.Parse(json, error);
        var header = JsonShape.Read(document.RootElement, ArtifactsJsonContext.Default.CheckpointHeader, error);
        if (header.Step < 0)
        {
            throw error("step", $"expected 0 or more, got {header.Step}.");
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (entry, i) in header.Parameters.Select((e, i) => (e, i)))
        {
            CheckEntry(entry, $"parameters[{i}]", names, error);
        }

        foreach (var (entry, i) in header.OptimizerState.Select((e, i) => (e, i)))
        {
            CheckEntry(entry, $"optimizerState[{i}]", names, error);
        }

        return header;
    }

    private static void CheckEntry(CheckpointTensorEntry entry, string path, HashSet<string> names, ValidationError error)
    {
        if (string.IsNullOrEmpty(entry.Name) || !names.Add(entry.Name))
        {
            throw error($"{path}.name", $"expected a unique tensor name, got \"{entry.Name}\".");
        }

        if (entry.Shape.Any(d => d < 0))
        {
            throw error($"{path}.shape", $"expected dimensions of 0 or more, got [{string.Join(",", entry.Shape)}].");
        }
    }

    private static List<NamedTensor> ReadTensors(IReadOnlyList<CheckpointTensorEntry> entries, ReadOnlySpan<byte> data, ref int offset, string sourceName)
    {
        var tensors = new List<NamedTensor>(entries.Count);
        foreach (var entry in entries)
        {
            long count;
            try
            {
                count = entry.Shape.Aggregate(1L, (product, d) => checked(product * d));
            }
            catch (OverflowException)
            {
                count = long.MaxValue;
            }

            // More values than bytes left means the header does not describe this data: truncated or forged.
            var left = data.Length - offset;
            if (count > left / sizeof(float))
            {
                throw new CheckpointException(sourceName, $"tensor '{entry.Name}' [{string.Join(",", entry.Shape)}] needs more data than the file has ({left} bytes left); the file is truncated or damaged.");
            }

            var bytes = (int)count * sizeof(float);
            var values = new float[count];
            var source = data.Slice(offset, bytes);
            if (BitConverter.IsLittleEndian)
            {
                MemoryMarshal.Cast<byte, float>(source).CopyTo(values);
            }
            else
            {
                for (var i = 0; i < values.Length; i++)
                {
                    values[i] = BinaryPrimitives.ReadSingleLittleEndian(source[(i * sizeof(float))..]);
                }
            }

            offset += bytes;
            tensors.Add(new NamedTensor(entry.Name, [.. entry.Shape], values));
        }

        return tensors;
    }

    private static void WriteFloats(Stream stream, float[] values)
    {
        if (BitConverter.IsLittleEndian)
        {
            stream.Write(MemoryMarshal.AsBytes(values.AsSpan()));
            return;
        }

        Span<byte> buffer = stackalloc byte[sizeof(float)];
        foreach (var value in values)
        {
            BinaryPrimitives.WriteSingleLittleEndian(buffer, value);
            stream.Write(buffer);
        }
    }

    private static CheckpointTensorEntry Entry(NamedTensor tensor) => new() { Name = tensor.Name, Shape = tensor.Shape };

    private static void CheckNames(HeadCheckpoint checkpoint)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var tensor in checkpoint.Parameters.Concat(checkpoint.OptimizerState))
        {
            if (!names.Add(tensor.Name))
            {
                throw new ArgumentException($"The checkpoint has two tensors named '{tensor.Name}'; names must be unique.", nameof(checkpoint));
            }
        }
    }
}
