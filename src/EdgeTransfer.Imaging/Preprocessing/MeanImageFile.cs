using System.Buffers.Binary;
using EdgeTransfer.Artifacts.Preprocessing;

namespace EdgeTransfer.Imaging.Preprocessing;

/// <summary>A raw mean image file: float32 little-endian [C,H,W] in the model's channel order (<c>mean_image.f32</c> in a bundle).</summary>
internal static class MeanImageFile
{
    /// <exception cref="InvalidSettingException">Missing, unreadable, of the wrong size, or with non-finite values.</exception>
    public static float[] Read(string path, InputSpec input)
    {
        var expected = (long)input.Channels * input.Height * input.Width;
        byte[] bytes;
        try
        {
            var length = new FileInfo(path).Length;
            if (length != expected * sizeof(float))
            {
                throw new InvalidSettingException(
                    "input.mean.imageFile",
                    $"'{path}' has {length} bytes; expected {expected * sizeof(float)} (float32 [{input.Channels},{input.Height},{input.Width}]).");
            }

            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new InvalidSettingException("input.mean.imageFile", $"'{path}' cannot be read: {ex.Message}", ex);
        }

        var values = new float[expected];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(i * sizeof(float)));
            if (!float.IsFinite(values[i]))
            {
                throw new InvalidSettingException("input.mean.imageFile", $"'{path}' holds a non-finite value ({values[i]}) at index {i}.");
            }
        }

        return values;
    }
}
