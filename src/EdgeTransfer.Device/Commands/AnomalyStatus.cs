using System.Globalization;
using EdgeTransfer.Runtime.Hosting;

namespace EdgeTransfer.Device.Commands;

/// <summary>The <c>status</c> line of the inspection mode and the anomaly model in service.</summary>
internal static class AnomalyStatus
{
    public static string Line(DeviceHost device)
    {
        var mode = $"mode       {device.Options.Inspection.Mode.ToString().ToLowerInvariant()}";
        var anomaly = device.Anomaly;
        if (anomaly.Registry.Current is not { } v)
        {
            return mode + Environment.NewLine + (anomaly.BundleHasPatchFeatures
                ? "anomaly    none fitted (edgetransfer-device fit --data <folder of good images>)"
                : "anomaly    unavailable: the bundle has no patch features (prepare it again with the default --patch-layers)");
        }

        var facts = string.Create(CultureInfo.InvariantCulture, $"anomaly    {v.Name} ({v.Source.ToString().ToLowerInvariant()}, {v.CreatedAt:u}), threshold {v.Threshold:0.0000}, bank {v.BankPatches} patches {v.BankBytes / 1024.0:0} KiB");
        if (v.HeldOutFalseRejectRate is { } frr)
        {
            facts += string.Create(CultureInfo.InvariantCulture, $", {(v.LeaveOneOut ? "false rejects, each part against the others," : "held-out false rejects")} {frr:P1}");
        }

        if (v.ImageAuroc is { } auroc)
        {
            facts += string.Create(CultureInfo.InvariantCulture, $", image AUROC {auroc:0.000}");
        }

        return mode + Environment.NewLine + facts;
    }
}
