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

    /// <summary>The largest 4-bit value (and its negation the smallest: the code of -8 is refused).</summary>
    public const int MaxValue = 7;

    /// <summary>The largest group multiplier: 16 · 7 = 112 keeps every product an int8 value.</summary>
    public const int MaxMultiplier = 16;

    private const int MaxRank = 8;

    private static ReadOnlySpan<byte> Magic => "ETW4"u8;

    /// <summary>Writes <paramref name="tensors"/> packed.</summary>
    /// <param name="stream">Where to write.</param>
    /// <param name="tensors">The tensors, in the order they are stored.</param>
    /// <exception cref="ArgumentException">A tensor's values are not m·q (m 1–16 per group, q in [-7, 7]), its shape does not match its values, or its name is empty.</exception>
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
            CheckShape(tensor);
            var name = Encoding.UTF8.GetBytes(tensor.Name);
            writer.Write((ushort)name.Length);
            writer.Write(name);
            writer.Write((byte)tensor.Dims.Count);
            foreach (var d in tensor.Dims)
            {
                writer.Write(d);
            }

            writer.Write((uint)tensor.GroupSize);
            var layout = new GroupLayout(tensor.Values.Length, (int)tensor.Dims[0], tensor.GroupSize);
            var multipliers = new int[layout.Groups];
            var codes = new sbyte[tensor.Values.Length];
            for (var g = 0; g < layout.Groups; g++)
            {
                var (start, length) = layout.Range(g);
                var group = tensor.Values.AsSpan(start, length);
                multipliers[g] = Multiplier(group) ?? throw new ArgumentException($"Tensor '{tensor.Name}' has values {string.Join(", ", group.ToArray().Take(8))}… at {start} that are not m·q with one m from 1 to {(layout.Grouped ? MaxMultiplier : 1)} and q in [-{MaxValue}, {MaxValue}]; only 4-bit weights can be packed.", nameof(tensors));
                for (var i = 0; i < length; i++)
                {
                    codes[start + i] = (sbyte)(group[i] / multipliers[g]);
                }
            }

            if (layout.Grouped)
            {
                writer.Write(PackNibbles(multipliers.Select(m => (sbyte)(m - 1)).ToArray()));
            }

            writer.Write(PackNibbles(codes));

            int? Multiplier(ReadOnlySpan<sbyte> group)
            {
                for (var m = 1; m <= (layout.Grouped ? MaxMultiplier : 1); m++)
                {
                    var fits = true;
                    foreach (var v in group)
                    {
                        fits &= v % m == 0 && Math.Abs(v / m) <= MaxValue;
                    }

                    if (fits)
                    {
                        return m;
                    }
                }

                return null;
            }
        }
    }

    /// <summary>Reads and checks a packed file.</summary>
    /// <param name="content">The whole file.</param>
    /// <param name="bundlePath">The bundle, for messages.</param>
    /// <param name="filePath">The file inside the bundle, for messages.</param>
    /// <returns>The tensors with their int8 values (m·q).</returns>
    /// <exception cref="BundleException">The file is truncated, has trailing bytes, an unknown magic or version, a bad shape, name or group size, or a code of -8.</exception>
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
        var reader = new SpanCursor(content, 8);
        var tensors = new List<Int4Tensor>(count);
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var t = 0; t < count; t++)
        {
            var truncated = $"is truncated in tensor {t + 1} of {count}";
            int nameLength = reader.TryUInt16(out var n) ? n : throw Bad(truncated);
            if (nameLength == 0 || !reader.TryTake(nameLength, out var nameBytes))
            {
                throw Bad(nameLength == 0 ? $"has an empty name for tensor {t + 1}" : truncated);
            }

            string name;
            try
            {
                name = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(nameBytes);
            }
            catch (DecoderFallbackException)
            {
                throw Bad($"has a name that is not UTF-8 for tensor {t + 1}");
            }

            if (!names.Add(name))
            {
                throw Bad($"holds tensor '{name}' twice");
            }

            int rank = reader.TryTake(1, out var rankByte) ? rankByte[0] : throw Bad(truncated);
            if (rank is < 1 or > MaxRank)
            {
                throw Bad($"gives tensor '{name}' rank {rank}, expected 1 to {MaxRank}");
            }

            var dims = new long[rank];
            long values = 1;
            for (var d = 0; d < rank; d++)
            {
                dims[d] = reader.TryInt64(out var dim) ? dim : throw Bad(truncated);
                if (dims[d] is < 1 or > int.MaxValue || (values *= dims[d]) > Array.MaxLength)
                {
                    throw Bad($"gives tensor '{name}' the shape [{string.Join(",", dims.Take(d + 1))}…], which is not a positive shape of at most {Array.MaxLength} values");
                }
            }

            var groupSize = reader.TryUInt32(out var g) ? g : throw Bad(truncated);
            if (groupSize > int.MaxValue)
            {
                throw Bad($"gives tensor '{name}' group size {groupSize}");
            }

            var layout = new GroupLayout((int)values, (int)dims[0], (int)groupSize);
            var multipliers = new sbyte[layout.Groups];
            if (layout.Grouped)
            {
                multipliers = UnpackNibbles(Take(ref reader, (layout.Groups + 1) / 2, name, "multipliers"), layout.Groups, name, "multiplier", allowMinus8: true, Bad);
            }

            var codes = UnpackNibbles(Take(ref reader, (int)((values + 1) / 2), name, "values"), (int)values, name, "value", allowMinus8: false, Bad);
            for (var group = 0; layout.Grouped && group < layout.Groups; group++)
            {
                // A stored multiplier nibble holds m − 1 as an unsigned 0–15.
                var m = (sbyte)((multipliers[group] & 0x0F) + 1);
                var (start, length) = layout.Range(group);
                foreach (ref var code in codes.AsSpan(start, length))
                {
                    code *= m;
                }
            }

            tensors.Add(new Int4Tensor(name, dims, codes, (int)groupSize));
        }

        if (reader.Remaining != 0)
        {
            throw Bad($"has {reader.Remaining} bytes after its last tensor");
        }

        return tensors;

        ReadOnlySpan<byte> Take(ref SpanCursor cursor, int bytes, string name, string what) =>
            cursor.TryTake(bytes, out var span) ? span : throw Bad($"is truncated in the {what} of tensor '{name}': {cursor.Remaining} bytes left, {bytes} needed");
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

    // Low nibble first; a nibble is the value's two's complement in 4 bits.
    private static byte[] PackNibbles(sbyte[] values)
    {
        var packed = new byte[(values.Length + 1) / 2];
        for (var i = 0; i < values.Length; i++)
        {
            packed[i / 2] |= (byte)((values[i] & 0x0F) << (i % 2 * 4));
        }

        return packed;
    }

    private static sbyte[] UnpackNibbles(ReadOnlySpan<byte> packed, int count, string name, string what, bool allowMinus8, Func<string, BundleException> bad)
    {
        var values = new sbyte[count];
        var minus8 = false;
        for (var j = 0; j < count / 2; j++)
        {
            // Sign-extend each nibble: move it to the top of a byte, then arithmetic-shift back.
            var b = packed[j];
            values[2 * j] = (sbyte)((sbyte)(b << 4) >> 4);
            values[(2 * j) + 1] = (sbyte)((sbyte)b >> 4);
            minus8 |= (b & 0x0F) == 0x08 || (b & 0xF0) == 0x80;
        }

        if (count % 2 == 1)
        {
            values[^1] = (sbyte)((sbyte)(packed[^1] << 4) >> 4);
            minus8 |= (packed[^1] & 0x0F) == 0x08;
            if (packed[^1] >> 4 != 0)
            {
                throw bad($"has a non-zero padding nibble after the last {what} of tensor '{name}'");
            }
        }

        if (minus8 && !allowMinus8)
        {
            throw bad($"holds the code -8 in tensor '{name}' at {what} {Array.IndexOf(values, (sbyte)-8)}; 4-bit weights are symmetric, in [-7, 7]");
        }

        return values;
    }

    private static void CheckShape(Int4Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        ArgumentException.ThrowIfNullOrEmpty(tensor.Name, nameof(tensor));
        if (tensor.Dims.Count is < 1 or > MaxRank || tensor.Dims.Any(d => d < 1)
            || tensor.Dims.Aggregate(1L, (a, b) => a * b) != tensor.Values.Length || tensor.GroupSize < 0)
        {
            throw new ArgumentException($"Tensor '{tensor.Name}' has shape [{string.Join(",", tensor.Dims)}] for {tensor.Values.Length} values (group size {tensor.GroupSize}); expected a positive shape of rank 1 to {MaxRank} with as many values.", nameof(tensor));
        }
    }

    /// <summary>Groups of a tensor: each row (index of the first dimension) in runs of the group size, the last run of a row shorter.</summary>
    private readonly record struct GroupLayout(int Count, int Rows, int GroupSize)
    {
        public bool Grouped => GroupSize > 0;

        private int RowLength => Count / Rows;

        private int PerRow => Grouped ? (RowLength + GroupSize - 1) / GroupSize : 1;

        public int Groups => Grouped ? Rows * PerRow : 1;

        public (int Start, int Length) Range(int group)
        {
            if (!Grouped)
            {
                return (0, Count);
            }

            var start = (group / PerRow * RowLength) + (group % PerRow * GroupSize);
            return (start, Math.Min(GroupSize, ((group / PerRow) + 1) * RowLength - start));
        }
    }
}
