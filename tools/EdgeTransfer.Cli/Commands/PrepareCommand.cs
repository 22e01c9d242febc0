using System.CommandLine;
using EdgeTransfer.Preparation;

namespace EdgeTransfer.Cli.Commands;

/// <summary><c>edgetransfer prepare</c>: pretrained model + spec → bundle.</summary>
internal static class PrepareCommand
{
    public static Command Create(CliConsole console)
    {
        var model = new Option<string?>("--model", "-m")
        {
            Description = "Pretrained ONNX model file, or a folder holding it with its spec.json. Default: the ResNet18 that ships with EdgeTransfer.",
        };
        var spec = new Option<string?>("--spec")
        {
            Description = "Preprocessing spec (JSON, see models/README.md). Default: spec.json beside the model.",
        };
        var classes = new Option<string>("--classes", "-c")
        {
            Description = "Comma-separated class names, at least two, e.g. good,scratch,dent.",
            DefaultValueFactory = _ => "good,scratch,dent,stain",
        };
        var head = new Option<string>("--head")
        {
            Description = "Head to train on the device: 'linear' or 'mlp:<hidden>' (e.g. mlp:128).",
            DefaultValueFactory = _ => "linear",
        };
        var optimizer = new Option<string>("--optimizer")
        {
            Description = "Optimizer of the head: 'adamw' or 'sgd' (momentum 0.9).",
            DefaultValueFactory = _ => "adamw",
        };
        var learningRate = new Option<double>("--lr")
        {
            Description = "Default learning rate recorded in the manifest.",
            DefaultValueFactory = _ => 1e-3,
        };
        var weightDecay = new Option<double>("--weight-decay")
        {
            Description = "Default weight decay (weights only, never biases).",
            DefaultValueFactory = _ => 1e-4,
        };
        var seed = new Option<int>("--seed")
        {
            Description = "Seed of the initial head weights.",
            DefaultValueFactory = _ => 42,
        };
        var cut = new Option<string?>("--cut")
        {
            Description = "Tensor at which to cut the backbone. Default: the spec's featureTensor, else the model's output.",
        };
        var output = new Option<string>("--out", "-o")
        {
            Description = "Bundle directory to create.",
            Required = true,
        };
        var force = new Option<bool>("--force")
        {
            Description = "Replace the output directory if it exists and is not empty.",
        };

        var command = new Command("prepare", "Turn a pretrained ONNX vision model into a bundle of training artifacts with a frozen backbone.")
        {
            model, spec, classes, head, optimizer, learningRate, weightDecay, seed, cut, output, force,
        };

        command.SetAction(parse =>
        {
            var options = new PrepareOptions
            {
                ModelPath = parse.GetValue(model),
                SpecPath = parse.GetValue(spec),
                Classes = ClassNames.Parse(parse.GetValue(classes)),
                Head = parse.GetValue(head)!,
                Optimizer = parse.GetValue(optimizer)!,
                LearningRate = parse.GetValue(learningRate),
                WeightDecay = parse.GetValue(weightDecay),
                Seed = parse.GetValue(seed),
                CutTensor = parse.GetValue(cut),
                OutputDirectory = parse.GetValue(output)!,
                Force = parse.GetValue(force),
            };
            var result = new BundlePreparer().Prepare(options, console.Out.WriteLine);
            console.Out.WriteLine(result.Summary());
            return ExitCodes.Success;
        });
        return command;
    }
}
