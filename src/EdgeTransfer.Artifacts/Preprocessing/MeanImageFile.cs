using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace EdgeTransfer.Artifacts.Preprocessing;

/// <summary>
/// The raw mean image of a bundle (<c>mean_image.f32</c>): C·H·W float32 little-endian values, planar,
/// in the model's channel order, with no header (the manifest's input section gives C, H and W).
/// </summary>
public static class MeanImageFile
{
    /// <summary>The conventional file name inside a bundle.</summary>
    public const string DefaultFileName = "mean_image.f32";

    /// <summary>Writes <paramref name="values"/> to <paramref name="stream"/> as float32 little-endian.</summary>
    /// <param name="stream">A writable stream; it is not disposed.</param>
    /// <param name="values">The C·H·W values, planar.</param>
    public static void Write(Stream stream, ReadOnlySpan<float> values)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (BitConverter.IsLittleEndian)
        {
            stream.Write(MemoryMarshal.AsBytes(values));
            return;
        }

        Span<byte> buffer = stackalloc byte[sizeof(float)];
        foreach (var value in values)
        {
            BinaryPrimitives.WriteSingleLittleEndian(buffer, value);
            stream.Write(buffer);
        }
    }

    /// <summary>Reads the mean image at <paramref name="path"/> for <paramref name="input"/>.</summary>
    /// <param name="path">The file.</param>
    /// <param name="input">The input spec that gives C, H and W.</param>
    /// <returns>The C·H·W values, planar.</returns>
    /// <exception cref="EdgeTransferException">The file is missing, has the wrong size, or holds non-finite values.</exception>
    public static float[] Read(string path, InputSpec input)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(input);
        var expected = (long)input.ValuesPerImage * sizeof(float);
        byte[] bytes;
        try
        {
            var length = new FileInfo(path).Length;
            if (length != expected)
            {
                throw new EdgeTransferException($"Mean image '{path}' has {length} bytes; expected {input.Channels}×{input.Height}×{input.Width} float32 values ({expected} bytes).");
            }

            bytes = File.ReadAllBytes(path);
        }
        catch (IOException ex)
        {
            throw new EdgeTransferException($"Mean image '{path}' cannot be read: {ex.Message}", ex);
        }

        var values = new float[input.ValuesPerImage];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(i * sizeof(float)));
            if (!float.IsFinite(values[i]))
            {
                throw new EdgeTransferException($"Mean image '{path}' holds a non-finite value at index {i}; prepare the bundle again.");
            }
        }

        return values;
    }
}
