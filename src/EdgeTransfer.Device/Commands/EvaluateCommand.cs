using System.CommandLine;
using EdgeTransfer.Runtime.Evaluation;
using EdgeTransfer.Runtime.Features;
using EdgeTransfer.Runtime.Hosting;
using EdgeTransfer.Runtime.Inspection;

namespace EdgeTransfer.Device.Commands;

/// <summary><c>edgetransfer-device evaluate --data &lt;ImageFolder&gt;</c>: how good a head is on a labelled folder of parts.</summary>
internal static class EvaluateCommand
{
    public static Command Create(TextWriter output)
    {
        var data = new Option<string>("--data", "-d") { Description = "An ImageFolder tree: one folder per class of the bundle, holding PNG, JPEG or BMP images of its parts.", Required = true };
        var head = new Option<string?>("--head") { Description = "A stored head version (v0003) to evaluate instead of the head in service; it is not put in service." };
        var json = new Option<bool>("--json") { Description = "Write the report as one JSON object instead of the tables." };
        var command = new Command("evaluate", "Evaluate a head on labelled images: accuracy, balanced accuracy, precision and recall per class, the confusion matrix, and the false rejects and escapes of the inspection policy.")
        {
            data, head, json,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            await using var device = DeviceSession.Open(parse.GetValue(DeviceCli.ConfigOption)!);

            // The folder is checked before a second backbone session is made for a stored head.
            var dataset = ImageFolderEvaluator.Open(parse.GetValue(data)!, device.Bundle.Classes, device.Bundle.BundleId);
            var report = parse.GetValue(head) is { } name
                ? EvaluateStored(device, HeadVersionLookup.Find(device.Heads, name, "--head"), dataset, cancellationToken)
                : ImageFolderEvaluator.Evaluate(device.Pipeline, dataset, cancellationToken: cancellationToken);
            report.WriteTo(output, parse.GetValue(json));

            return DeviceExitCodes.Success;
        });
        return command;
    }

    // A pipeline of its own, so that the stored head is never swapped into the device's pipeline nor the registry.
    private static EvaluationReport EvaluateStored(DeviceHost device, Runtime.Heads.HeadVersion version, Imaging.Datasets.ImageFolderDataset dataset, CancellationToken cancellationToken)
    {
        using var pipeline = new InspectionPipeline(
            device.Bundle,
            device.Pipeline.Policy,
            BackboneOptions.FromConfiguration(device.Options.ExecutionProvider),
            (device.Heads.Read(version), version.Name));
        return ImageFolderEvaluator.Evaluate(pipeline, dataset, cancellationToken: cancellationToken);
    }
}
