using System.CommandLine;
using EdgeTransfer.Demo;
using Spectre.Console;

namespace EdgeTransfer.Cli.Commands;

/// <summary><c>edgetransfer demo</c>: the whole product on embedded defaults, with a report at the end.</summary>
internal static class DemoCommand
{
    public static Command Create(CliConsole console)
    {
        var keep = new Option<string?>("--keep") { Description = "Keep the bundle, the device state and demo.log in this folder." };
        var parts = new Option<int>("--parts-per-class") { Description = "Parts the simulated technician labels per class.", DefaultValueFactory = _ => 40 };
        var evaluation = new Option<int>("--evaluation-parts") { Description = "New parts inspected to measure accuracy before and after training.", DefaultValueFactory = _ => 200 };
        var anomalyParts = new Option<int>("--anomaly-good-parts") { Description = "Good parts the normal-only act fits an anomaly model from (0 skips the act).", DefaultValueFactory = _ => 60 };
        var command = new Command(
            "demo",
            "Run the whole flow on embedded defaults: prepare an INT8 bundle from the NuGet ResNet18, start an embedded broker, bring a device online on a simulated line, label parts over MQTT, train on the device, gate and promote, inspect again, fit an anomaly model from good parts only and score defects it never saw, show the fleet view and a report.")
        {
            keep, parts, evaluation, anomalyParts,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var ansi = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(console.Out) });
            var report = await DemoRunner.RunAsync(
                new DemoOptions
                {
                    KeepDirectory = parse.GetValue(keep),
                    PartsPerClass = parse.GetValue(parts),
                    EvaluationParts = parse.GetValue(evaluation),
                    AnomalyGoodParts = parse.GetValue(anomalyParts),
                },
                ansi,
                cancellationToken);
            DemoRunner.Print(report, ansi);
            return ExitCodes.Success;
        });
        return command;
    }
}
