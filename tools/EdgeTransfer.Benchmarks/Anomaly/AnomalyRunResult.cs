using System.Text.Json;

namespace EdgeTransfer.Benchmarks.Anomaly;

/// <summary>The figures of one category for one backbone, bank configuration and number of good training images.</summary>
/// <param name="Backbone"><c>int8</c> or <c>float</c>.</param>
/// <param name="Bank">The bank configuration's key (<see cref="BankConfiguration.Name"/>).</param>
/// <param name="Category">The category.</param>
/// <param name="Shots">The requested good images (<see cref="AnomalyBenchmarkOptions.AllShots"/> for all).</param>
/// <param name="GoodImages">The good images used (the first ones of <c>train/good</c>).</param>
/// <param name="BankImages">The images whose patches built the bank (the rest were held out for the threshold).</param>
/// <param name="ImageAuroc">Image AUROC on the test images (NaN without both good and defect test images).</param>
/// <param name="PixelAuroc">Pixel AUROC of the rendered maps against the masks at the input size (NaN without defect pixels).</param>
/// <param name="F1">F1 of the defect calls at the fitted threshold (NaN without a threshold or without defects).</param>
/// <param name="FalseRejectRate">The share of good test parts rejected at the fitted threshold (NaN without a threshold).</param>
/// <param name="FitSeconds">Fit time: embedding, coreset, threshold calibration.</param>
/// <param name="ScoringMs">Median scoring time per test frame (embedding + nearest-neighbour search), after the backbone.</param>
/// <param name="BackboneMs">Median backbone time per frame of the same category in the same run.</param>
/// <param name="BankBytes">The memory bank's bytes.</param>
/// <param name="BankPatches">The memory bank's rows.</param>
public sealed record AnomalyRunResult(
    string Backbone,
    string Bank,
    string Category,
    int Shots,
    int GoodImages,
    int BankImages,
    double ImageAuroc,
    double PixelAuroc,
    double F1,
    double FalseRejectRate,
    double FitSeconds,
    double ScoringMs,
    double BackboneMs,
    long BankBytes,
    int BankPatches)
{
    /// <summary>Image AUROC of the good test parts against each defect kind alone: where the pooled figure is lost (empty for means).</summary>
    public IReadOnlyDictionary<string, double> ImageAurocByDefectKind { get; init; } = new Dictionary<string, double>();

    /// <summary>Median embedding time per test frame (the 3×3 averages, the resampling, the projection): the first part of <see cref="ScoringMs"/>.</summary>
    public double EmbedMs { get; init; } = double.NaN;

    /// <summary>Median nearest-neighbour search time per test frame: the second part of <see cref="ScoringMs"/>.</summary>
    public double SearchMs { get; init; } = double.NaN;

    /// <summary>Median time per test frame of the same work (embedding and search) as the bundle's ONNX scoring graph run by ONNX Runtime; NaN when the bundle has no such graph.</summary>
    public double OrtScoringMs { get; init; } = double.NaN;

    /// <summary>The largest difference between a patch distance of the ONNX graph and of the managed code, over every test frame (NaN without the graph).</summary>
    public double OrtMaxDifference { get; init; } = double.NaN;

    /// <summary>The scoring time of the device's way: the ONNX graph when the bundle has it, else managed code.</summary>
    public double DeviceScoringMs => double.IsFinite(OrtScoringMs) ? OrtScoringMs : ScoringMs;

    /// <summary>Whether a threshold was fitted (at least 2 good images: one for the bank, one held out).</summary>
    public bool HasThreshold => double.IsFinite(FalseRejectRate);

    /// <summary>Writes the figures as a JSON object.</summary>
    /// <param name="writer">The writer, positioned where a value may go.</param>
    public void WriteJson(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        writer.WriteString("backbone", Backbone);
        writer.WriteString("bank", Bank);
        writer.WriteString("category", Category);
        writer.WriteString("shots", AnomalyBenchmarkOptions.ShotsLabel(Shots));
        writer.WriteNumber("goodImages", GoodImages);
        writer.WriteNumber("bankImages", BankImages);
        Json.WriteNumber(writer, "imageAuroc", ImageAuroc);
        Json.WriteNumber(writer, "pixelAuroc", PixelAuroc);
        Json.WriteNumber(writer, "f1", F1);
        Json.WriteNumber(writer, "falseRejectRate", FalseRejectRate);
        writer.WriteBoolean("thresholdFitted", HasThreshold);
        Json.WriteNumber(writer, "fitSeconds", FitSeconds);
        Json.WriteNumber(writer, "scoringMsPerFrame", ScoringMs);
        Json.WriteNumber(writer, "embedMsPerFrame", EmbedMs);
        Json.WriteNumber(writer, "searchMsPerFrame", SearchMs);
        Json.WriteNumber(writer, "ortScoringMsPerFrame", OrtScoringMs);
        Json.WriteNumber(writer, "ortMaxDistanceDifference", OrtMaxDifference);
        Json.WriteNumber(writer, "backboneMsPerFrame", BackboneMs);
        writer.WriteNumber("bankBytes", BankBytes);
        writer.WriteNumber("bankPatches", BankPatches);
        writer.WriteStartObject("imageAurocByDefectKind");
        foreach (var (kind, auroc) in ImageAurocByDefectKind)
        {
            Json.WriteNumber(writer, kind, auroc);
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    /// <summary>The mean of several categories' figures (bank bytes: the largest), as the category <c>mean</c>.</summary>
    /// <param name="runs">Runs of the same backbone, bank and shots.</param>
    public static AnomalyRunResult Mean(IReadOnlyList<AnomalyRunResult> runs)
    {
        ArgumentNullException.ThrowIfNull(runs);
        var first = runs[0];
        return first with
        {
            Category = "mean",
            GoodImages = (int)Math.Round(runs.Average(r => r.GoodImages)),
            BankImages = (int)Math.Round(runs.Average(r => r.BankImages)),
            ImageAuroc = runs.Average(r => r.ImageAuroc),
            PixelAuroc = runs.Average(r => r.PixelAuroc),
            F1 = runs.Average(r => r.F1),
            FalseRejectRate = runs.Average(r => r.FalseRejectRate),
            FitSeconds = runs.Average(r => r.FitSeconds),
            ScoringMs = runs.Average(r => r.ScoringMs),
            EmbedMs = runs.Average(r => r.EmbedMs),
            SearchMs = runs.Average(r => r.SearchMs),
            OrtScoringMs = runs.Average(r => r.OrtScoringMs),
            OrtMaxDifference = runs.Max(r => r.OrtMaxDifference),
            BackboneMs = runs.Average(r => r.BackboneMs),
            BankBytes = runs.Max(r => r.BankBytes),
            BankPatches = runs.Max(r => r.BankPatches),
            ImageAurocByDefectKind = new Dictionary<string, double>(),
        };
    }
}
