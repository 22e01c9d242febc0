using System.CommandLine;

namespace EdgeTransfer.Device.Commands;

/// <summary><c>edgetransfer-device rollback</c>: put the previous head back in service.</summary>
internal static class RollbackCommand
{
    public static Command Create(TextWriter output)
    {
        var command = new Command("rollback", "Return to the previous head (atomic; the current one stays on disk).");
        command.SetAction(async (parse, _) =>
        {
            await using var device = DeviceSession.Open(parse.GetValue(DeviceCli.ConfigOption)!);
            var from = device.Heads.Current!;
            var to = device.Rollback();
            output.WriteLine($"rollback   {from.Name} → {to.Name} (a copy of v{to.RestoredFrom:D4})");
            return DeviceExitCodes.Success;
        });
        return command;
    }
}
