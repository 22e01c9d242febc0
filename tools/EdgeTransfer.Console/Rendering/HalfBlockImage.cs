using EdgeTransfer.LineConsole.Model;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace EdgeTransfer.LineConsole.Rendering;

/// <summary>
/// An RGB thumbnail drawn with the upper half block <c>▀</c>: each character cell shows two pixels, the
/// upper one as the foreground colour and the lower one as the background, so a 48 × 48 frame takes
/// 48 columns and 24 lines. Colours are 24-bit; Spectre lowers them for terminals that have fewer.
/// When the frame comes with an anomaly map, patches above the threshold are tinted red (the more, the
/// stronger) and patches close below it faintly, so the technician sees where the part differs.
/// </summary>
public sealed class HalfBlockImage : Renderable
{
    private readonly PreviewFrame _frame;
    private readonly int _maxWidth;

    /// <summary>Creates the image.</summary>
    /// <param name="frame">The thumbnail.</param>
    /// <param name="maxWidth">The most columns it may take; a wider frame is scaled down (nearest pixel).</param>
    public HalfBlockImage(PreviewFrame frame, int maxWidth = 48)
    {
        ArgumentNullException.ThrowIfNull(frame);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxWidth, 1);
        if (frame.Rgb.Length != frame.Width * frame.Height * 3)
        {
            throw new ArgumentException($"The frame is {frame.Width}×{frame.Height} but holds {frame.Rgb.Length} bytes, not {frame.Width * frame.Height * 3}.", nameof(frame));
        }

        _frame = frame;
        _maxWidth = maxWidth;
    }

    /// <inheritdoc />
    protected override Measurement Measure(RenderOptions options, int maxWidth)
    {
        var width = Columns(maxWidth);
        return new Measurement(width, width);
    }

    /// <inheritdoc />
    protected override IEnumerable<Segment> Render(RenderOptions options, int maxWidth)
    {
        var columns = Columns(maxWidth);
        // Keep the aspect ratio: the rows scale by the same factor as the columns.
        var rows = Math.Max(1, (int)Math.Round(_frame.Height * (double)columns / _frame.Width));
        var rgb = _frame.Rgb.Span.ToArray();
        var segments = new List<Segment>(columns * ((rows + 1) / 2 + 1));
        for (var y = 0; y < rows; y += 2)
        {
            for (var x = 0; x < columns; x++)
            {
                var top = Pixel(rgb, x, y, columns, rows);
                var bottom = y + 1 < rows ? Pixel(rgb, x, y + 1, columns, rows) : (Color?)null;
                segments.Add(new Segment("▀", new Style(top, bottom)));
            }

            segments.Add(Segment.LineBreak);
        }

        return segments;
    }

    private int Columns(int maxWidth) => Math.Max(1, Math.Min(Math.Min(_frame.Width, _maxWidth), maxWidth));

    private Color Pixel(byte[] rgb, int x, int y, int columns, int rows)
    {
        var sx = Math.Min(_frame.Width - 1, x * _frame.Width / columns);
        var sy = Math.Min(_frame.Height - 1, y * _frame.Height / rows);
        var i = ((sy * _frame.Width) + sx) * 3;
        if (_frame.AnomalyMap is not { } map)
        {
            return new Color(rgb[i], rgb[i + 1], rgb[i + 2]);
        }

        var alpha = Tint(map.At((x + 0.5) / columns, (y + 0.5) / rows));
        return new Color(Blend(rgb[i], 255, alpha), Blend(rgb[i + 1], 0, alpha), Blend(rgb[i + 2], 0, alpha));
    }

    /// <summary>How much red covers a pixel of map value <paramref name="value"/> (128 = threshold): none well below, 0.45 at the threshold, 0.85 at the top.</summary>
    public static double Tint(byte value) => value < 96 ? 0 : value < AnomalyMapView.Threshold ? 0.45 * (value - 96) / 32.0 : 0.45 + (0.4 * (value - AnomalyMapView.Threshold) / 127.0);

    private static byte Blend(byte under, byte over, double alpha) => (byte)Math.Round((under * (1 - alpha)) + (over * alpha));
}
