using System.Text;
using EdgeTransfer.Mqtt.Protocol;
using EdgeTransfer.Runtime.Anomaly;
using EdgeTransfer.Synthetic;

namespace EdgeTransfer.Demo;

/// <summary>The figures and the text map of the normal-only act.</summary>
internal static class AnomalyActMeasures
{
    // Ten steps of the byte map (128 = threshold): blank well below the threshold, '#' far above.
    private const string Ramp = "  ..::=+*#";

    public static AnomalyActReport Measure(IReadOnlyList<ScoredPart> scored, FitResult fit, int goodParts)
    {
        var good = scored.Where(s => s.Kind == SyntheticPartGenerator.Good).ToList();
        var defects = scored.Where(s => s.Kind != SyntheticPartGenerator.Good).ToList();
        var kinds = defects.GroupBy(s => s.Kind).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (g.Key, g.Count(), g.Count(s => s.Score.IsAnomalous), Auroc([.. good, .. g])))
            .ToList();
        return new AnomalyActReport
        {
            GoodParts = goodParts,
            ModelVersion = fit.AnomalyModel ?? "?",
            FitSeconds = fit.DurationSeconds,
            BankBytes = fit.BankBytes ?? 0,
            ImageAuroc = Auroc(scored),
            PixelAuroc = PixelAuroc(scored),
            FalseRejectRate = good.Count == 0 ? double.NaN : (double)good.Count(s => s.Score.IsAnomalous) / good.Count,
            GoodTested = good.Count,
            Kinds = kinds,
        };
    }

    /// <summary>The 28 × 28 patch map in 28 columns and 14 lines (the higher of each two rows), beside the true mask.</summary>
    public static string Ascii(ScoredPart part)
    {
        var map = part.Score.PatchMapBytes();
        var (h, w) = (part.Score.MapHeight, part.Score.MapWidth);
        var mask = part.Kind == SyntheticPartGenerator.Good ? null : MaskCells(part.Mask, h, w);
        var text = new StringBuilder();
        text.Append("anomaly map".PadRight(w + 4)).AppendLine(mask is null ? "" : "true defect");
        for (var y = 0; y < h; y += 2)
        {
            for (var x = 0; x < w; x++)
            {
                var value = Math.Max(map[(y * w) + x], y + 1 < h ? map[((y + 1) * w) + x] : (byte)0);
                text.Append(Ramp[Math.Min(Ramp.Length - 1, value * Ramp.Length / 256)]);
            }

            if (mask is not null)
            {
                text.Append("    ");
                for (var x = 0; x < w; x++)
                {
                    text.Append(mask[y, x] || (y + 1 < h && mask[y + 1, x]) ? 'o' : '·');
                }
            }

            text.AppendLine();
        }

        return text.ToString().TrimEnd();
    }

    private static double Auroc(IReadOnlyList<ScoredPart> parts)
    {
        var scores = parts.Select(s => s.Score.Score).ToArray();
        var anomalous = parts.Select(s => s.Kind != SyntheticPartGenerator.Good).ToArray();
        return AnomalyMetrics.Auroc(scores, anomalous);
    }

    private static double PixelAuroc(IReadOnlyList<ScoredPart> parts)
    {
        const int side = AnomalyAct.MaskSize;
        var maps = parts.Select(p => AnomalyMapRenderer.Render(p.Score, side, side)).ToList();
        var masks = parts.Select(p => p.Mask.ToArray().Select(b => b != 0).ToArray()).ToList();
        return AnomalyMetrics.PixelAuroc(maps, masks);
    }

    // Which patch cells of the map the defect touches.
    private static bool[,] MaskCells(ReadOnlyMemory<byte> mask, int rows, int columns)
    {
        const int side = AnomalyAct.MaskSize;
        var cells = new bool[rows, columns];
        var pixels = mask.Span;
        for (var i = 0; i < pixels.Length; i++)
        {
            if (pixels[i] != 0)
            {
                cells[i / side * rows / side, i % side * columns / side] = true;
            }
        }

        return cells;
    }
}
