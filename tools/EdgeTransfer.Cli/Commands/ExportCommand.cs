using System.CommandLine;
using EdgeTransfer.Preparation;

namespace EdgeTransfer.Cli.Commands;

/// <summary><c>edgetransfer export</c>: backbone + trained head + softmax → one deployable ONNX model.</summary>
internal static class ExportCommand
{
    public static Command Create(CliConsole console)
    {
        var bundle = new Option<string>("--bundle", "-b") { Description = "The bundle directory.", Required = true };
        var checkpoint = new Option<string?>("--checkpoint") { Description = "A trained head checkpoint (.etck). Default: the bundle's own." };
        var backbone = new Option<string>("--backbone")
        {
            Description = "Which backbone to embed: 'int8' (when the bundle has one) or 'float'.",
            DefaultValueFactory = _ => "int8",
        };
        backbone.AcceptOnlyFromAmong("int8", "float");
        var output = new Option<string>("--out", "-o") { Description = "The .onnx file to write.", Required = true };
        var command = new Command("export", "Merge a bundle's backbone, a trained head checkpoint and softmax into one deployable ONNX model (image tensor in, probabilities out).")
        {
            bundle, checkpoint, backbone, output,
        };
        command.SetAction(parse =>
        {
            var result = ModelExporter.Export(
                parse.GetValue(bundle)!,
                parse.GetValue(checkpoint),
                parse.GetValue(backbone) == "int8",
                parse.GetValue(output)!);
            console.Out.WriteLine($"exported   {result.Path} ({result.Bytes / 1024.0 / 1024.0:0.0} MB, {result.BackboneRole}, bundle {result.BundleId})");
            console.Out.WriteLine($"outputs    probabilities over {string.Join(", ", result.Classes)}");
            return ExitCodes.Success;
        });
        return command;
    }
}
