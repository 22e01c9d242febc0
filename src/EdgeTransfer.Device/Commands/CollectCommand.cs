using System.CommandLine;

namespace EdgeTransfer.Device.Commands;

/// <summary><c>edgetransfer-device collect --label &lt;class&gt;</c>: label the next parts on the line.</summary>
internal static class CollectCommand
{
    public static Command Create(TextWriter output)
    {
        var label = new Option<string>("--label", "-l")
        {
            Description = "The class of the parts that will pass, or 'auto' to take the label the source knows (folder replay, synthetic line).",
            Required = true,
        };
        var count = new Option<int>("--count", "-n") { Description = "How many samples to store.", DefaultValueFactory = _ => 20 };
        var timeout = new Option<int>("--timeout") { Description = "Give up after this many seconds.", DefaultValueFactory = _ => 300 };
        var command = new Command("collect", "Inspect the next parts and store their features under a label, for on-device training.") { label, count, timeout };
        command.SetAction(async (parse, cancellationToken) =>
        {
            await using var device = DeviceSession.Open(parse.GetValue(DeviceCli.ConfigOption)!);
            using var stop = ShutdownSignal.Listen();
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(stop.Token, cancellationToken);
            linked.CancelAfter(TimeSpan.FromSeconds(parse.GetValue(timeout)));
            var collected = device.StartCollecting(parse.GetValue(label)!, parse.GetValue(count));
            device.StartInspection();
            output.WriteLine($"collecting {parse.GetValue(count)} samples labelled {parse.GetValue(label)}; Ctrl+C stops");
            int stored;
            try
            {
                stored = await collected.WaitAsync(linked.Token);
            }
            catch (OperationCanceledException)
            {
                stored = device.StopCollecting();
                output.WriteLine($"stopped    after {stored} samples");
            }

            await device.StopInspectionAsync();
            var stats = device.Samples.Statistics;
            output.WriteLine($"collected  {stored} samples; store: {string.Join(", ", device.Bundle.Classes.Select(c => $"{c} {stats.CountsByClass.GetValueOrDefault(c)}"))}");

            return DeviceExitCodes.Success;
        });
        return command;
    }
}
