using System.Numerics;
using EdgeTransfer.Artifacts.Preprocessing;

namespace EdgeTransfer.Imaging.Preprocessing;

/// <summary>
/// The colour half of preprocessing: model-sized RGB values become [C,H,W] floats in the model's channel order,
/// <c>(p · pixelScale / 255 − mean) / std</c>, minus the mean image when the spec has one.
/// </summary>
/// <remarks>
/// A 256-entry table per channel serves whole bytes; <see cref="EmitRow"/> does the same float operations in
/// SIMD lanes on the rounded output of the resize, so both give the same bits.
/// </remarks>
internal sealed class ChannelNormalizer
{
    private readonly int _width;
    private readonly int _height;
    private readonly float _pixelScale;
    private readonly float[] _lut; // [3 × 256]: value of pixel p in model channel c, before the mean image
    private readonly float[]? _meanImage; // [C,H,W], already divided by std
    private readonly int[] _sourceChannel; // model channel c reads RGB channel _sourceChannel[c]
    private readonly float[] _channelMean; // per-channel mean in the table's expression (0 with a mean image)
    private readonly float[] _std;

    /// <exception cref="InvalidSettingException">The mean image is missing, of the wrong size or not finite.</exception>
    public ChannelNormalizer(InputSpec input, ReadOnlySpan<float> meanImage)
    {
        _width = input.Width;
        _height = input.Height;
        _pixelScale = input.PixelScale;
        var std = input.GetStd();
        _sourceChannel = input.ChannelOrder == ChannelOrder.Bgr ? [2, 1, 0] : [0, 1, 2];
        _lut = new float[3 * 256];
        var plane = input.Height * input.Width;
        if (input.Mean.IsImage)
        {
            if (meanImage.Length != 3 * plane)
            {
                throw new InvalidSettingException(
                    "input.mean",
                    meanImage.IsEmpty
                        ? "the spec subtracts a mean image, but none was given; load it (ReadMeanImageFile, or the model initializer the spec names) and pass it."
                        : $"the mean image has {meanImage.Length} values; expected 3 × {input.Height} × {input.Width} = {3 * plane} ([C,H,W], {input.ChannelOrder} order).");
            }

            _meanImage = new float[3 * plane];
            for (var c = 0; c < 3; c++)
            {
                for (var i = 0; i < plane; i++)
                {
                    var m = meanImage[(c * plane) + i];
                    if (!float.IsFinite(m))
                    {
                        throw new InvalidSettingException("input.mean", $"the mean image holds a non-finite value ({m}) at channel {c}, index {i}.");
                    }

                    _meanImage[(c * plane) + i] = m / std[c];
                }
            }
        }

        _std = std.ToArray();
        _channelMean = new float[3];
        for (var c = 0; c < 3; c++)
        {
            var mean = input.Mean.PerChannel is { } perChannel ? perChannel[c] : 0f;
            _channelMean[c] = mean;
            for (var p = 0; p < 256; p++)
            {
                // Computed as the spec states it (scale, subtract, divide), so that hand computations match to the last bit.
                _lut[(c * 256) + p] = ((p * input.PixelScale / 255f) - mean) / std[c];
            }
        }
    }

    /// <summary>Normalises a whole model-sized RGB24 frame (H × W × 3 bytes) into [C,H,W] floats.</summary>
    public void Normalize(ReadOnlySpan<byte> resizedRgb, Span<float> destination)
    {
        var plane = _height * _width;
        for (var c = 0; c < 3; c++)
        {
            var lut = _lut.AsSpan(c * 256, 256);
            var src = _sourceChannel[c];
            var dst = destination.Slice(c * plane, plane);
            if (_meanImage is null)
            {
                for (var i = 0; i < plane; i++)
                {
                    dst[i] = lut[resizedRgb[(i * 3) + src]];
                }
            }
            else
            {
                var mean = _meanImage.AsSpan(c * plane, plane);
                for (var i = 0; i < plane; i++)
                {
                    dst[i] = lut[resizedRgb[(i * 3) + src]] - mean[i];
                }
            }
        }
    }

    /// <summary>
    /// Rounds the filtered row <paramref name="y"/> (<paramref name="planes"/>: one float row per RGB channel) to
    /// 8 bits, as the resize alone does, and normalises it into the three planes of <paramref name="destination"/>.
    /// </summary>
    /// <remarks>
    /// The arithmetic is the table's expression, ((p · scale / 255) − mean) / std, in the same float operations,
    /// so the SIMD lanes and the scalar tail (the table) give the same bits as <see cref="Normalize"/>.
    /// </remarks>
    public void EmitRow(float[] planes, int y, Span<float> destination)
    {
        var outW = _width;
        var plane = _height * outW;
        var half = new Vector<float>(0.5f);
        var max = new Vector<int>(255);
        for (var c = 0; c < 3; c++)
        {
            var h = planes.AsSpan(_sourceChannel[c] * outW, outW);
            var dst = destination.Slice((c * plane) + (y * outW), outW);
            var mean = _meanImage is null ? ReadOnlySpan<float>.Empty : _meanImage.AsSpan((c * plane) + (y * outW), outW);
            var scale = new Vector<float>(_pixelScale);
            var channelMean = new Vector<float>(_channelMean[c]);
            var std = new Vector<float>(_std[c]);
            var x = 0;
            if (Vector.IsHardwareAccelerated)
            {
                for (; x + Vector<float>.Count <= outW; x += Vector<float>.Count)
                {
                    var p = Vector.Min(Vector.Max(Vector.ConvertToInt32(new Vector<float>(h[x..]) + half), Vector<int>.Zero), max);
                    var v = ((Vector.ConvertToSingle(p) * scale / 255f) - channelMean) / std;
                    if (!mean.IsEmpty)
                    {
                        v -= new Vector<float>(mean[x..]);
                    }

                    v.CopyTo(dst[x..]);
                }
            }

            var lut = _lut.AsSpan(c * 256, 256);
            for (; x < outW; x++)
            {
                var v = lut[Math.Clamp((int)(h[x] + 0.5f), 0, 255)];
                dst[x] = mean.IsEmpty ? v : v - mean[x];
            }
        }
    }
}
