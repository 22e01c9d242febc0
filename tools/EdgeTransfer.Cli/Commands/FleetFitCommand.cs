using System.CommandLine;
using EdgeTransfer.Fleet;

namespace EdgeTransfer.Cli.Commands;

/// <summary>
/// <c>edgetransfer fleet fit &lt;devices|all&gt;</c>: fit an anomaly model from good parts on many devices (each from
/// the good images its own <c>device.json</c> names) and print each device's result; failures go to stderr.
/// </summary>
internal static class FleetFitCommand
{
    public static Command Create(CliConsole console)
    {
        var connection = new FleetCommand.ConnectionArgs();
        var target = new Argument<string>("device") { Description = "A device id, a comma-separated list of them, or 'all' (every online device)." };
        var noDefects = new Option<bool>("--no-defects") { Description = "Do not score the devices' configured defect images (no AUROC for the quality gate)." };
        var timeout = FleetCommand.Seconds("--timeout", "Seconds each device has to accept or refuse the fit.", 10, 0.1, 3600);
        var fitTimeout = FleetCommand.Seconds("--fit-timeout", "Seconds each device has, after accepting, to publish its result.", 600, 1, 86400);
        var wait = FleetCommand.Seconds("--wait", "With 'all': seconds to collect the retained statuses.", 2, 0, 600);
        var parallel = new Option<int>("--parallel") { Description = "Devices fitting at once.", DefaultValueFactory = _ => 8 };
        parallel.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 1 or > 10000)
            {
                r.AddError($"--parallel: expected 1 to 10000, got {r.GetValueOrDefault<int>()}.");
            }
        });
        var json = new Option<bool>("--json") { Description = "Write one JSON document (every result in full) instead of lines." };
        var command = new Command("fit", "Fit an anomaly model from good parts on one, some or all devices; each device's quality gate decides. Exit 1 unless every device promoted a model.")
        {
            target, noDefects, timeout, fitTimeout, wait, parallel, json,
        };
        connection.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var selection = DeviceSelection.Parse(parse.GetValue(target), "<device>");
            var payload = CommandBody.Build("fit", parse.GetValue(noDefects) ? ["defects=false"] : [], null);
            await using var client = await FleetClient.ConnectAsync(connection.Read(parse), trackSequence: false, cancellationToken);
            var devices = await FleetCommand.ResolveAsync(console, client, selection, parse.GetValue(wait), cancellationToken);
            if (devices.Count == 0)
            {
                return ExitCodes.Failure;
            }

            var asJson = parse.GetValue(json);
            var output = new Lock();
            var outcomes = await FleetFit.RunAsync(
                client,
                devices,
                payload,
                TimeSpan.FromSeconds(parse.GetValue(timeout)),
                TimeSpan.FromSeconds(parse.GetValue(fitTimeout)),
                parse.GetValue(parallel),
                o =>
                {
                    // Failures always on stderr (also with --json), so a script sees them without parsing.
                    lock (output)
                    {
                        if (o.Failed)
                        {
                            console.Error.WriteLine(FleetFormat.FitLine(o));
                        }
                        else if (!asJson)
                        {
                            console.Out.WriteLine(FleetFormat.FitLine(o));
                        }
                    }
                },
                cancellationToken);
            console.Out.WriteLine(asJson ? FleetFormat.FitsJson(outcomes) : FleetFormat.FitSummary(outcomes));
            return outcomes.All(o => o.Promoted) ? ExitCodes.Success : ExitCodes.Failure;
        });
        return command;
    }
}
