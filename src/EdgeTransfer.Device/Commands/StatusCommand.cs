using System.CommandLine;
using System.Globalization;

namespace EdgeTransfer.Device.Commands;

/// <summary><c>edgetransfer-device status</c>: what the device runs and holds.</summary>
internal static class StatusCommand
{
    public static Command Create(TextWriter output)
    {
        var command = new Command("status", "Show the device, its verified bundle, the head in service and the stored samples.");
        command.SetAction(async (parse, _) =>
        {
            await using var device = DeviceSession.Open(parse.GetValue(DeviceCli.ConfigOption)!);
            var manifest = device.Bundle.Manifest;
            var head = device.Heads.Current!;
            var stats = device.Samples.Statistics;
            output.WriteLine($"device     {device.Options.Device.Id} (fleet {device.Options.Device.Fleet})");
            output.WriteLine($"program    {DeviceProgram.Description}");
            output.WriteLine($"bundle     {manifest.BundleId} verified, backbone {device.Bundle.BackboneRole}, execution provider {device.Pipeline.Backbone.ExecutionProvider.ToString().ToLowerInvariant()}");
            output.WriteLine($"classes    {string.Join(", ", manifest.Classes)}");
            output.WriteLine($"head       {head.Name} ({head.Source.ToString().ToLowerInvariant()}, {head.CreatedAt:u})" +
                (head.Metrics is { } m ? string.Create(CultureInfo.InvariantCulture, $", validation accuracy {m.ValidationAccuracy:P1} on {m.ValidationSamples} samples") : string.Empty));
            output.WriteLine($"heads      {string.Join(", ", device.Heads.Versions.Select(v => v.Name))}");
            output.WriteLine($"samples    {stats.TotalSamples} ({string.Join(", ", manifest.Classes.Select(c => $"{c} {stats.CountsByClass.GetValueOrDefault(c)}"))}), {stats.DiskBytes / 1024.0:0} KiB on disk");
            output.WriteLine(AnomalyStatus.Line(device));
            foreach (var issue in device.Heads.Issues.Concat(device.Anomaly.Registry.Issues))
            {
                output.WriteLine($"repaired   {issue}");
            }

            if (stats.SkippedRecords > 0)
            {
                output.WriteLine($"skipped    {stats.SkippedRecords} damaged sample records (the others are intact)");
            }

            return DeviceExitCodes.Success;
        });
        return command;
    }
}
