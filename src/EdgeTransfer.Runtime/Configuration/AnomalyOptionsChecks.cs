using System.Globalization;

namespace EdgeTransfer.Runtime.Configuration;

/// <summary>The checks of <c>inspection.anomaly</c>, for <see cref="DeviceOptionsValidator"/>.</summary>
internal static class AnomalyOptionsChecks
{
    public static void Check(AnomalyInspectionOptions anomaly, Action<string, string> add)
    {
        if (!double.IsFinite(anomaly.TargetFalseRejectRate) || anomaly.TargetFalseRejectRate is <= 0 or > 0.5)
        {
            add("inspection.anomaly.targetFalseRejectRate", string.Create(CultureInfo.InvariantCulture, $"expected a share of good parts above 0 and at most 0.5 (0.01 = 1 %), got {anomaly.TargetFalseRejectRate}."));
        }

        if (anomaly.KeepModels is < 2 or > 100)
        {
            add("inspection.anomaly.keepModels", string.Create(CultureInfo.InvariantCulture, $"expected 2 to 100 versions, got {anomaly.KeepModels}."));
        }

        if (anomaly.MinGoodParts is < 2 or > 10_000)
        {
            add("inspection.anomaly.minGoodParts", string.Create(CultureInfo.InvariantCulture, $"expected 2 to 10000 good images (13 or more puts every fit through the comparison with the model in service), got {anomaly.MinGoodParts}."));
        }
    }
}
