using System.Buffers.Binary;
using System.Text;

namespace EdgeTransfer.Artifacts.Bundles;

/// <summary>
/// The bundle file with role <c>packed-weights</c> (format 3): the INT8 backbone's 4-bit weights, two to a byte,
/// which <c>prepare</c> takes out of <c>backbone.int8.onnx</c> and the device puts back (as int8 initializers, so
/// ONNX Runtime's int8 kernels run unchanged) before it hands the graph to ONNX Runtime. Layout in docs/bundle.md.
/// </summary>
/// <remarks>
/// The manifest's sha256 covers the packed bytes as stored; <see cref="Read"/> also checks the structure, so a file that
/// is damaged yet re-hashed is refused with a sentence rather than expanded into a wrong graph.
/// </remarks>
public static class PackedWeightsFile
{
    /// <summary>The file name <c>prepare</c> gives it.</summary>
    public const string DefaultFileName = "backbone.int8.w4";

    /// <summary>The layout version this library reads and writes.</summary>
    public const ushort FormatVersion = 1;

    /// <summary>The largest value a 4-bit weight may hold (and its negation the smallest).</summary>
    public const int MaxValue = 7;

    private const int MaxRank = 8;

    private static ReadOnlySpan<byte> Magic => "ETW4"u8;

    /// <summary>Writes <paramref name="tensors"/> packed.</summary>
    /// <param name="stream">Where to write.</param>
    /// <param name="tensors">The tensors, in the order they are stored.</param>
    /// <exception cref="ArgumentException">A tensor has a value outside [-7, 7], a shape that does not match its values, or an empty name.</exception>
    public static void Write(Stream stream, IReadOnlyList<Int4Tensor> tensors)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(tensors);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(tensors.Count, ushort.MaxValue, nameof(tensors));
        using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        writer.Write(Magic);
        writer.Write(FormatVersion);
        writer.Write((ushort)tensors.Count);
        foreach (var tensor in tensors)
        {
            Check(tensor);
            var name = Encoding.UTF8.GetBytes(tensor.Name);
            writer.Write((ushort)name.Length);
            writer.Write(name);
            writer.Write((byte)tensor.Dims.Count);
            foreach (var d in tensor.Dims)
            {
                writer.Write(d);
            }

            var packed = new byte[(tensor.Values.Length + 1) / 2];
            for (var i = 0; i < tensor.Values.Length; i++)
            {
                // Low nibble first; a nibble is the value's two's complement in 4 bits.
                packed[i / 2] |= (byte)((tensor.Values[i] & 0x0F) << (i % 2 * 4));
            }

            writer.Write(packed);
        }
    }

    /// <summary>Reads and checks a packed file.</summary>
    /// <param name="content">The whole file.</param>
    /// <param name="bundlePath">The bundle, for messages.</param>
    /// <param name="filePath">The file inside the bundle, for messages.</param>
    /// <returns>The tensors with their int8 values.</returns>
    /// <exception cref="BundleException">The file is truncated, has trailing bytes, an unknown magic or version, a bad shape or name, or a value of -8.</exception>
    public static IReadOnlyList<Int4Tensor> Read(ReadOnlySpan<byte> content, string bundlePath, string filePath)
    {
        ArgumentException.ThrowIfNullOrEmpty(bundlePath);
        ArgumentException.ThrowIfNullOrEmpty(filePath);
        BundleException Bad(string reason) => new(bundlePath, filePath, $"{reason}; re-copy the bundle or prepare it again.");

        if (content.Length < 8 || !content[..4].SequenceEqual(Magic))
        {
            throw Bad("is not a packed-weights file (it does not start with 'ETW4')");
        }

        var version = BinaryPrimitives.ReadUInt16LittleEndian(content[4..]);
        if (version != FormatVersion)
        {
            throw new BundleException(bundlePath, filePath, $"has packed-weights layout version {version}; this software reads version {FormatVersion}. {(version > FormatVersion ? "Update the device software" : "Prepare the bundle again")}.");
        }

        var count = BinaryPrimitives.ReadUInt16LittleEndian(content[6..]);
        var at = 8;
        var length = content.Length;
        var tensors = new List<Int4Tensor>(count);
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var t = 0; t < count; t++)
        {
            string Where() => $"is truncated in tensor {t + 1} of {count} (byte {at} of {length})";
            if (content.Length - at < 2)
            {
                throw Bad(Where());
            }

            int nameLength = BinaryPrimitives.ReadUInt16LittleEndian(content[at..]);
            at += 2;
            if (nameLength == 0 || content.Length - at < nameLength + 1)
            {
                throw Bad(nameLength == 0 ? $"has an empty name for tensor {t + 1}" : Where());
            }

            string name;
            try
            {
                name = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(content.Slice(at, nameLength));
            }
            catch (DecoderFallbackException)
            {
                throw Bad($"has a name that is not UTF-8 for tensor {t + 1}");
            }

            at += nameLength;
            int rank = content[at++];
            if (rank is < 1 or > MaxRank || content.Length - at < rank * 8)
            {
                throw Bad(rank is < 1 or > MaxRank ? $"gives tensor '{name}' rank {rank}, expected 1 to {MaxRank}" : Where());
            }

            var dims = new long[rank];
            long values = 1;
            for (var d = 0; d < rank; d++)
            {
                dims[d] = BinaryPrimitives.ReadInt64LittleEndian(content[at..]);
                at += 8;
                if (dims[d] is < 1 or > int.MaxValue || (values *= dims[d]) > Array.MaxLength)
                {
                    throw Bad($"gives tensor '{name}' the shape [{string.Join(",", dims.Take(d + 1))}…], which is not a positive shape of at most {Array.MaxLength} values");
                }
            }

            var packedLength = (int)((values + 1) / 2);
            if (content.Length - at < packedLength)
            {
                throw Bad($"is truncated in tensor '{name}': {content.Length - at} bytes left, its shape [{string.Join(",", dims)}] needs {packedLength}");
            }

            if (!names.Add(name))
            {
                throw Bad($"holds tensor '{name}' twice");
            }

            tensors.Add(new Int4Tensor(name, dims, Unpack(content.Slice(at, packedLength), (int)values, name, Bad)));
            at += packedLength;
        }

        if (at != content.Length)
        {
            throw Bad($"has {content.Length - at} bytes after its last tensor");
        }

        return tensors;
    }

    /// <summary>
    /// The INT8 backbone as ONNX Runtime loads it: <paramref name="model"/> (the graph without its 4-bit weights) with the
    /// packed file's tensors added back as int8 initializers.
    /// </summary>
    /// <param name="model">The bytes of the backbone file as stored.</param>
    /// <param name="packed">The bytes of the packed-weights file as stored.</param>
    /// <param name="bundlePath">The bundle, for messages.</param>
    /// <param name="filePath">The packed file inside the bundle, for messages.</param>
    /// <returns>The serialized model with every weight in place.</returns>
    /// <exception cref="BundleException">The packed file is not valid (see <see cref="Read"/>).</exception>
    public static byte[] Expand(ReadOnlySpan<byte> model, ReadOnlySpan<byte> packed, string bundlePath, string filePath) =>
        InitializerAppender.Append(model, Read(packed, bundlePath, filePath));

    private static sbyte[] Unpack(ReadOnlySpan<byte> packed, int count, string name, Func<string, BundleException> bad)
    {
        var values = new sbyte[count];
        for (var i = 0; i < count; i++)
        {
            // Sign-extend the nibble: shift it to the top of a byte, then arithmetic-shift back.
            var value = (sbyte)((sbyte)(packed[i / 2] >> (i % 2 * 4) << 4) >> 4);
            if (value < -MaxValue)
            {
                throw bad($"holds -8 in tensor '{name}' at value {i}; 4-bit weights are symmetric, in [-7, 7]");
            }

            values[i] = value;
        }

        if (count % 2 == 1 && packed[^1] >> 4 != 0)
        {
            throw bad($"has a non-zero padding nibble at the end of tensor '{name}'");
        }

        return values;
    }

    private static void Check(Int4Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        ArgumentException.ThrowIfNullOrEmpty(tensor.Name, nameof(tensor));
        if (tensor.Dims.Count is < 1 or > MaxRank || tensor.Dims.Any(d => d < 1)
            || tensor.Dims.Aggregate(1L, (a, b) => a * b) != tensor.Values.Length)
        {
            throw new ArgumentException($"Tensor '{tensor.Name}' has shape [{string.Join(",", tensor.Dims)}] for {tensor.Values.Length} values; expected a positive shape of rank 1 to {MaxRank} with as many values.", nameof(tensor));
        }

        if (tensor.Values.Any(v => v is < -MaxValue or > MaxValue))
        {
            throw new ArgumentException($"Tensor '{tensor.Name}' has values outside [-{MaxValue}, {MaxValue}]; only 4-bit weights can be packed.", nameof(tensor));
        }
    }
}
