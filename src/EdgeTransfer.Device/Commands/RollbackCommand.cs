using System.CommandLine;
using EdgeTransfer.Runtime.Anomaly.Registry;

namespace EdgeTransfer.Device.Commands;

/// <summary><c>edgetransfer-device rollback [--anomaly]</c>: put the previous head (or anomaly model) back in service.</summary>
internal static class RollbackCommand
{
    public static Command Create(TextWriter output)
    {
        var anomaly = new Option<bool>("--anomaly") { Description = "Roll back the anomaly model instead of the head." };
        var command = new Command("rollback", "Return to the previous head, or with --anomaly the previous anomaly model (atomic; the current one stays on disk).") { anomaly };
        command.SetAction(async (parse, _) =>
        {
            await using var device = DeviceSession.Open(parse.GetValue(DeviceCli.ConfigOption)!);
            if (parse.GetValue(anomaly))
            {
                var current = device.Anomaly.Registry.Current?.Name;
                var back = device.Anomaly.Rollback();
                output.WriteLine($"rollback   {current} → {back.Name} (a copy of {AnomalyModelRegistry.VersionName(back.RestoredFrom ?? 0)})");
                return DeviceExitCodes.Success;
            }

            var from = device.Heads.Current!;
            var to = device.Rollback();
            output.WriteLine($"rollback   {from.Name} → {to.Name} (a copy of v{to.RestoredFrom:D4})");
            return DeviceExitCodes.Success;
        });
        return command;
    }
}
