using System.CommandLine;
using EdgeTransfer.Artifacts.Checkpoints;
using EdgeTransfer.Runtime.Configuration;
using EdgeTransfer.Runtime.Evaluation;
using EdgeTransfer.Runtime.Inspection;
using EdgeTransfer.Runtime.Loading;

namespace EdgeTransfer.Cli.Commands;

/// <summary>
/// <c>edgetransfer evaluate</c>: a bundle and a head checkpoint on a labelled folder of parts, with the device's
/// own stages and evaluation code, so the host's figures are the ones the device would report.
/// </summary>
internal static class EvaluateCommand
{
    public static Command Create(CliConsole console)
    {
        var bundle = new Option<string>("--bundle", "-b") { Description = "The bundle directory.", Required = true };
        var checkpoint = new Option<string?>("--checkpoint") { Description = "A trained head checkpoint (.etck), e.g. a device's heads/v0003.etck. Default: the bundle's own." };
        var data = new Option<string>("--data", "-d") { Description = "An ImageFolder tree: one folder per class of the bundle, holding PNG, JPEG or BMP images of its parts.", Required = true };
        var config = new Option<string?>("--config") { Description = "A device.json whose inspection section decides the verdicts. Default: good class 'good', every other class a defect at 0.5 (a sorting line when the bundle has no class 'good')." };
        var json = new Option<bool>("--json") { Description = "Write the report as one JSON object instead of the tables." };
        var command = new Command("evaluate", "Evaluate a bundle's head on labelled images: accuracy, balanced accuracy, precision and recall per class, the confusion matrix, and the false rejects and escapes of the inspection policy.")
        {
            bundle, checkpoint, data, config, json,
        };
        command.SetAction((parse, cancellationToken) =>
        {
            var device = DeviceBundle.Open(parse.GetValue(bundle)!);
            var policy = new VerdictPolicy(device.Classes, Inspection(parse.GetValue(config), device.Classes));
            var dataset = ImageFolderEvaluator.Open(parse.GetValue(data)!, device.Classes, device.BundleId);
            var head = parse.GetValue(checkpoint) is { } path
                ? (CheckpointFile.Read(path), Path.GetFullPath(path))
                : (device.InitialHead, InspectionPipeline.InitialHeadVersion);
            using var pipeline = new InspectionPipeline(device, policy, head: head);
            var report = ImageFolderEvaluator.Evaluate(pipeline, dataset, cancellationToken: cancellationToken);
            report.WriteTo(console.Out, parse.GetValue(json));

            return Task.FromResult(ExitCodes.Success);
        });
        return command;
    }

    private static InspectionOptions Inspection(string? configPath, IReadOnlyList<string> classes)
    {
        if (configPath is not null)
        {
            return DeviceConfigFile.Load(configPath, checkFiles: false).Inspection;
        }

        var defaults = new InspectionOptions();

        // Without a good class nothing is known to pass or reject: count every class as passing.
        return classes.Contains(defaults.GoodClass, StringComparer.Ordinal) ? defaults : new InspectionOptions { DefectClasses = [] };
    }
}
