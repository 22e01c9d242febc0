using System.Globalization;
using System.Text.Json;
using EdgeTransfer.Mqtt.Protocol;

namespace EdgeTransfer.Fleet;

/// <content>The output of <c>fleet fit</c>.</content>
public static partial class FleetFormat
{
    /// <summary>One line per device: the model in service, threshold, AUROC and time, or what went wrong.</summary>
    /// <param name="outcome">The device's outcome.</param>
    public static string FitLine(FitOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        if (outcome.Result is not { } r)
        {
            var kind = outcome.Request switch
            {
                CommandOutcomeKind.Error => "REFUSED",
                CommandOutcomeKind.TimedOut => "TIMEOUT",
                CommandOutcomeKind.Ok => "NO RESULT",
                _ => "FAILED",
            };
            return $"{outcome.Device,-20} {kind,-9} {outcome.Message}";
        }

        var label = r.Outcome switch { PromotionOutcome.Promoted => "promoted", PromotionOutcome.Rejected => "kept", _ => "FAILED" };
        if (r.Outcome == PromotionOutcome.Failed)
        {
            return $"{outcome.Device,-20} {label,-9} {r.Reason}";
        }

        var auroc = r.ImageAuroc is { } a ? string.Create(CultureInfo.InvariantCulture, $", image AUROC {a:0.000}") : "";
        return string.Create(CultureInfo.InvariantCulture, $"{outcome.Device,-20} {label,-9} {r.AnomalyModel ?? "none"} in service; {r.GoodImages} good images, threshold {r.Threshold:0.0000}, held-out false rejects {r.HeldOutFalseRejectRate:P1}{auroc}, {r.BankBytes / 1024.0:0} KiB bank, {r.DurationSeconds:0.0} s{(r.Outcome == PromotionOutcome.Rejected ? $" ({r.Reason})" : "")}");
    }

    /// <summary>A summary line: how many devices promoted, kept, failed.</summary>
    /// <param name="outcomes">The outcomes.</param>
    public static string FitSummary(IReadOnlyList<FitOutcome> outcomes)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        var kept = outcomes.Count(o => !o.Failed && !o.Promoted);
        return $"{outcomes.Count} device(s): {outcomes.Count(o => o.Promoted)} promoted, {kept} kept by the quality gate, {outcomes.Count(o => o.Failed)} failed.";
    }

    /// <summary>Every device's outcome as one JSON document (each result in full).</summary>
    /// <param name="outcomes">The outcomes.</param>
    public static string FitsJson(IReadOnlyList<FitOutcome> outcomes)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        return Write(Pretty, w =>
        {
            w.WriteStartObject();
            w.WriteBoolean("allPromoted", outcomes.All(o => o.Promoted));
            w.WriteStartArray("devices");
            foreach (var o in outcomes)
            {
                w.WriteStartObject();
                w.WriteString("device", o.Device);
                w.WriteString("outcome", o.Result is { } r ? r.Outcome.ToString().ToLowerInvariant() : o.Request == CommandOutcomeKind.Ok ? "noResult" : o.Request.ToString().ToLowerInvariant());
                WriteOptional(w, "runId", o.RunId);
                WriteOptional(w, "message", o.Message);
                if (o.Result is { } result)
                {
                    w.WritePropertyName("result");
                    JsonSerializer.Serialize(w, result, ProtocolJson.InfoOf<FitResult>());
                }

                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        });
    }
}
