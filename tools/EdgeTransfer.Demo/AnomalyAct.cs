using System.Text;
using EdgeTransfer.Artifacts.IO;
using EdgeTransfer.Fleet;
using EdgeTransfer.Imaging.Datasets;
using EdgeTransfer.Imaging.Decoding;
using EdgeTransfer.Mqtt.Protocol;
using EdgeTransfer.Runtime.Anomaly;
using EdgeTransfer.Runtime.Anomaly.OnDevice;
using EdgeTransfer.Runtime.Hosting;
using EdgeTransfer.Synthetic;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace EdgeTransfer.Demo;

/// <summary>
/// The normal-only act: the technician puts good parts only under the camera, the device fits an anomaly model from
/// them (asked over MQTT, as <c>edgetransfer fleet fit</c> does), and new parts with defects of kinds the model never
/// saw are scored with the model the device put in service: image and pixel AUROC, rejects per kind, and a map.
/// </summary>
internal static class AnomalyAct
{
    /// <summary>The MVTec-layout category the act writes its parts in (the device's <c>inspection.anomaly.goodImages</c>).</summary>
    public const string Category = "line";

    /// <summary>The side of the masks and rendered maps the pixel AUROC compares (the parts are 224 px).</summary>
    public const int MaskSize = 224;

    private static readonly TimeSpan ReplyTimeout = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan FitTimeout = TimeSpan.FromMinutes(10);

    /// <summary>Where the good images for the device go: <paramref name="partsRoot"/>/<see cref="Category"/>.</summary>
    public static string GoodImages(string partsRoot) => Path.Combine(partsRoot, Category);

    public static async Task<AnomalyActReport> RunAsync(DemoStages stages, FleetClient fleet, string deviceId, DeviceHost host, string partsRoot, string mapPath, DemoOptions options, CancellationToken cancellationToken)
    {
        // 1. Good parts for the fit, and test parts of every defect kind; the fit only ever reads train/good.
        var kinds = SyntheticPartGenerator.DefectClasses.Where(c => c != SyntheticPartGenerator.Good).ToList();
        var parts = new SyntheticMvtecOptions { Category = Category, Defects = kinds, TrainGood = options.AnomalyGoodParts, TestGood = 30, TestPerDefect = 15, Seed = options.Seed + 1 };
        var category = await stages.RunAsync($"technician shows {options.AnomalyGoodParts} good parts only", () => Task.Run(() => SyntheticMvtecDataset.Write(partsRoot, parts).Directory, cancellationToken));

        // 2. Fit on the device, asked over MQTT; its quality gate promotes the model.
        var body = Encoding.UTF8.GetBytes($$"""{"schema":"{{DeviceMessage.SchemaVersion}}","defects":false}""");
        var outcome = (await stages.RunAsync("fit the anomaly model on the device (good parts only)", () => FleetFit.RunAsync(fleet, [deviceId], body, ReplyTimeout, FitTimeout, 1, null, cancellationToken)))[0];
        if (!outcome.Promoted || outcome.Result is not { } fit)
        {
            throw new EdgeTransferException($"The device did not put an anomaly model in service: {outcome.Message}");
        }

        // 3. Score new parts, good ones and every defect kind, with the model in service on the device.
        var model = host.Anomaly.Model ?? throw new EdgeTransferException("The device reported a promoted anomaly model but has none in service.");
        var scored = await stages.RunAsync($"score {parts.TestGood + (kinds.Count * parts.TestPerDefect)} new parts (defect kinds never shown)", () => Task.Run(() => Score(host, model, category), cancellationToken));
        var report = AnomalyActMeasures.Measure(scored, fit, options.AnomalyGoodParts);

        // 4. A map: the median-scored defect part (neither the easiest nor the hardest), as ASCII and a PNG overlay.
        var defects = scored.Where(s => s.Kind != SyntheticPartGenerator.Good).OrderBy(s => s.Score.Score).ToList();
        var shown = defects[defects.Count / 2];
        WriteOverlay(shown, mapPath);
        return report with { MapImage = Path.GetFileName(shown.Path), MapKind = shown.Kind, MapScore = shown.Score.NormalisedScore, MapAscii = AnomalyActMeasures.Ascii(shown), MapPath = mapPath };
    }

    private static List<ScoredPart> Score(DeviceHost host, AnomalyModel model, string category)
    {
        var scorer = new AnomalyScorer(model);
        using var reader = new PatchFeatureReader(host.Bundle);
        var result = new List<ScoredPart>();
        foreach (var sample in MvtecCategory.Open(category).ReadTest(new HardenedImageDecoder(), MaskSize))
        {
            using (sample)
            {
                result.Add(new ScoredPart(sample.Entry.DefectKind, sample.Entry.Path, sample.Mask, scorer.Score(reader.Read(sample.Image))));
            }
        }

        return result;
    }

    // The part with the map over it: red from a normalised 0.25 (half the threshold), 70 % red from 0.6 up.
    private static void WriteOverlay(ScoredPart part, string path)
    {
        using var image = Image.Load<Rgb24>(part.Path);
        var map = AnomalyMapRenderer.Render(part.Score, image.Height, image.Width);
        var threshold = part.Score.Threshold;
        image.ProcessPixelRows(rows =>
        {
            for (var y = 0; y < rows.Height; y++)
            {
                var row = rows.GetRowSpan(y);
                for (var x = 0; x < row.Length; x++)
                {
                    var alpha = Math.Clamp((threshold.Normalise(map[(y * row.Length) + x]) - 0.25) / 0.35, 0, 1) * 0.7;
                    var p = row[x];
                    row[x] = new Rgb24((byte)((p.R * (1 - alpha)) + (255 * alpha)), (byte)(p.G * (1 - alpha)), (byte)(p.B * (1 - alpha)));
                }
            }
        });
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        AtomicFile.Write(path, stream => image.SaveAsPng(stream));
    }
}

/// <summary>One scored test part, with its defect mask (0 or 1 per pixel, <see cref="AnomalyAct.MaskSize"/> square; all 0 for a good part).</summary>
internal sealed record ScoredPart(string Kind, string Path, ReadOnlyMemory<byte> Mask, AnomalyScore Score);
