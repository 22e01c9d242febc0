using System.Globalization;
using EdgeTransfer.Fleet.Wire;

namespace EdgeTransfer.LineConsole.Model;

/// <summary>
/// The anomaly map of a frame as the device sends it with a preview (docs/mqtt.md, <c>preview</c> with
/// <c>anomalyMap</c>): one byte per patch, 128 = the model's threshold.
/// </summary>
/// <param name="FrameId">The frame scored.</param>
/// <param name="Width">Columns (28 for ResNet18).</param>
/// <param name="Height">Rows.</param>
/// <param name="Values">Width × Height bytes, row-major from the top-left.</param>
/// <param name="Score">The frame's score, normalised so that 0.5 is the decision point.</param>
public sealed record AnomalyMapView(long FrameId, int Width, int Height, ReadOnlyMemory<byte> Values, double Score)
{
    /// <summary>The largest side the console reads (maps of larger backbones are refused, not drawn slowly).</summary>
    public const int MaxSide = 64;

    /// <summary>The byte value of the model's threshold.</summary>
    public const byte Threshold = 128;

    /// <summary>Reads <c>anomalyMap</c> from a preview result; null when absent or unreadable (the reason goes to <paramref name="owner"/>).</summary>
    /// <param name="map">The <c>anomalyMap</c> object, or null.</param>
    /// <param name="owner">The preview's fields, failed with the reason when the map is malformed.</param>
    internal static AnomalyMapView? Read(WireFields? map, WireFields owner)
    {
        if (map is null)
        {
            return null;
        }

        var frame = map.Whole("frameId") ?? -1;
        var width = map.Whole("width");
        var height = map.Whole("height");
        var score = map.Number("score");
        var data = map.Text("data", 4 * ((MaxSide * MaxSide + 2) / 3));
        if (map.Error is { } nested)
        {
            owner.Fail(nested);
            return null;
        }

        if (width is not (>= 1 and <= MaxSide) || height is not (>= 1 and <= MaxSide) || data is null || score is not { } s || !double.IsFinite(s))
        {
            owner.Fail($"reply/preview: anomalyMap needs width and height 1–{MaxSide}, a finite score and data");
            return null;
        }

        var values = new byte[width.Value * height.Value];
        if (!Convert.TryFromBase64String(data, values, out var written) || written != values.Length)
        {
            owner.Fail(string.Create(CultureInfo.InvariantCulture, $"reply/preview: anomalyMap data is not base64 of {values.Length} bytes ({width}×{height})"));
            return null;
        }

        return new AnomalyMapView(frame, (int)width.Value, (int)height.Value, values, Math.Clamp(s, 0, 1));
    }

    /// <summary>The map value at the image position (<paramref name="fx"/>, <paramref name="fy"/>) in [0, 1) (nearest patch).</summary>
    public byte At(double fx, double fy)
    {
        var x = Math.Clamp((int)(fx * Width), 0, Width - 1);
        var y = Math.Clamp((int)(fy * Height), 0, Height - 1);
        return Values.Span[(y * Width) + x];
    }
}
