using System.Globalization;
using System.Text;
using System.Text.Json;
using EdgeTransfer.Runtime.Anomaly.OnDevice;

namespace EdgeTransfer.Device.Commands;

/// <summary>The result of <c>fit</c> as console lines or as one JSON object.</summary>
internal static class FitReport
{
    public static string Text(AnomalyFitOutcome outcome)
    {
        var fit = outcome.Fit;
        var gate = outcome.Gate;
        var lines = new StringBuilder();
        lines.AppendLine(string.Create(CultureInfo.InvariantCulture, $"images     {outcome.GoodImages} good ({(fit.LeaveOneOut ? $"all {fit.TrainSamples} in the bank, each also scored against the others" : $"{fit.TrainSamples} in the bank, {fit.HeldOutSamples} held out")}), {outcome.DefectImages} defects, {outcome.Skipped.Count} skipped{(fit.CopiesSetAside > 0 ? $", {fit.CopiesSetAside} set aside as copies" : "")}"));
        foreach (var skipped in outcome.Skipped)
        {
            lines.AppendLine($"skipped    {skipped}");
        }

        foreach (var copy in outcome.CopiesSetAside)
        {
            lines.AppendLine($"copy       {copy}");
        }

        lines.AppendLine(string.Create(CultureInfo.InvariantCulture, $"bank       {fit.BankPatches} patches of {fit.TrainPatches}, {fit.BankBytes / 1024.0:0} KiB"));
        lines.AppendLine(string.Create(CultureInfo.InvariantCulture, $"threshold  {fit.Threshold.Value:0.0000} (target false-reject rate {fit.Threshold.TargetFalseRejectRate:P1}); {(fit.LeaveOneOut ? "false rejects, each part against the others," : "held-out false rejects")} {gate.CandidateFalseRejectRate:P1}"));
        if (fit.ImageAuroc is { } auroc)
        {
            lines.AppendLine(string.Create(CultureInfo.InvariantCulture, $"auroc      {auroc:0.000} (image, {(fit.LeaveOneOut ? "each good part against the others" : "held-out good")} vs defects)"));
        }

        lines.AppendLine(string.Create(CultureInfo.InvariantCulture, $"time       features {outcome.FeatureTime.TotalSeconds:0.00} s, fit {fit.TotalTime.TotalSeconds:0.00} s (embed {fit.EmbedTime.TotalSeconds:0.00}, coreset {fit.CoresetTime.TotalSeconds:0.00}, calibrate {fit.CalibrationTime.TotalSeconds:0.00})"));
        lines.AppendLine($"gate       {(gate.Accepted ? "accepted" : "refused")}: {gate.Reason}");
        lines.Append(outcome.Promoted is { } promoted
            ? $"result     Promoted: {promoted.Name} in service"
            : $"result     KeptByQualityGate: {outcome.InService?.Name ?? "no anomaly model"} stays in service");
        return lines.ToString();
    }

    public static string Json(AnomalyFitOutcome outcome)
    {
        var fit = outcome.Fit;
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartObject();
            w.WriteString("result", outcome.Promoted is null ? "kept" : "promoted");
            w.WriteString("inService", outcome.InService?.Name);
            w.WriteBoolean("gateAccepted", outcome.Gate.Accepted);
            w.WriteString("gateReason", outcome.Gate.Reason);
            w.WriteNumber("goodImages", outcome.GoodImages);
            w.WriteNumber("defectImages", outcome.DefectImages);
            w.WriteNumber("skippedImages", outcome.Skipped.Count);
            w.WriteNumber("copiesSetAside", fit.CopiesSetAside);
            w.WriteNumber("trainSamples", fit.TrainSamples);
            w.WriteNumber("heldOutSamples", fit.HeldOutSamples);
            w.WriteString("calibration", fit.LeaveOneOut ? "leave-one-out" : "held-out");
            w.WriteNumber("bankPatches", fit.BankPatches);
            w.WriteNumber("bankBytes", fit.BankBytes);
            w.WriteNumber("threshold", fit.Threshold.Value);
            w.WriteNumber("targetFalseRejectRate", fit.Threshold.TargetFalseRejectRate);
            w.WriteNumber("heldOutFalseRejectRate", outcome.Gate.CandidateFalseRejectRate);
            WriteOptional(w, "inServiceFalseRejectRate", outcome.Gate.InServiceFalseRejectRate);
            WriteOptional(w, "imageAuroc", fit.ImageAuroc);
            WriteOptional(w, "inServiceImageAuroc", outcome.Gate.InServiceAuroc);
            w.WriteNumber("featureSeconds", Math.Round(outcome.FeatureTime.TotalSeconds, 3));
            w.WriteNumber("fitSeconds", Math.Round(fit.TotalTime.TotalSeconds, 3));
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void WriteOptional(Utf8JsonWriter writer, string name, double? value)
    {
        if (value is { } v)
        {
            writer.WriteNumber(name, v);
        }
        else
        {
            writer.WriteNull(name);
        }
    }
}
