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
        var patchLayers = new Option<string?>("--patch-layers")
        {
            Description = "Feature maps to output beside the pooled features (for anomaly detection): comma-separated tensor names, or 'none'. Default: the last map at strides 8 and 16 (ResNet18: stage 2 and stage 3).",
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

        var quantize = new Option<string>("--quantize", "-q")
        {
            Description = "Backbone precision: 'none' (float only) or 'int8' (static QDQ, calibrated).",
            DefaultValueFactory = _ => "none",
        };
        quantize.AcceptOnlyFromAmong("none", "int8");
        var calibration = new Option<string?>("--calibration")
        {
            Description = "Calibration images for --quantize int8: an ImageFolder tree or a flat folder (PNG/JPEG/BMP). Default: seeded synthetic parts.",
        };
        var calibrationImages = new Option<int>("--calibration-images")
        {
            Description = "At most this many calibration images.",
            DefaultValueFactory = _ => 64,
        };
        var calibrationMethod = new Option<string>("--calibration-method")
        {
            Description = "Activation range method: 'minmax' or 'percentile'.",
            DefaultValueFactory = _ => "minmax",
        };
        var percentile = new Option<double>("--percentile")
        {
            Description = "Percentile of --calibration-method percentile.",
            DefaultValueFactory = _ => 99.99,
        };
        var activations = new Option<string>("--activations")
        {
            Description = "Activation type: 'uint8' (U8S8, fastest on x86-64) or 'int8' (S8S8, for ARM64 experiments).",
            DefaultValueFactory = _ => "uint8",
        };
        var int4 = new Option<long>("--int4-min-weights")
        {
            Description = "With --quantize int8: Conv weights with at least this many values get 4-bit weights, stored packed in the bundle and expanded to int8 when the device loads it (ResNet18's stage-4 512×512×3×3: 2359296); 0 for none.",
            DefaultValueFactory = _ => new QuantizeOptions().Int4MinWeights,
        };
        var int4Rounding = new Option<string>("--int4-rounding")
        {
            Description = "Scales of 4-bit weights: 'mse' (per-channel squared-error search) or 'nearest'.",
            DefaultValueFactory = _ => new QuantizeOptions().Int4Rounding,
        };
        var int4Groups = new Option<int>("--int4-group-size")
        {
            Description = "4-bit weights in runs of this many values share a step, a multiple 1–16 of the channel's scale (finer steps, same int8 kernels); 0 for one step per channel.",
            DefaultValueFactory = _ => new QuantizeOptions().Int4GroupSize,
        };
        var noFloat = new Option<bool>("--no-float")
        {
            Description = "With --quantize int8, leave the float backbone out of the bundle.",
        };

        var command = new Command("prepare", "Turn a pretrained ONNX vision model into a bundle of training artifacts with a frozen (optionally INT8) backbone.")
        {
            model, spec, classes, head, optimizer, learningRate, weightDecay, seed, cut, patchLayers, output, force,
            quantize, calibration, calibrationImages, calibrationMethod, percentile, activations, int4, int4Rounding, int4Groups, noFloat,
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
                PatchLayers = parse.GetValue(patchLayers),
                OutputDirectory = parse.GetValue(output)!,
                Force = parse.GetValue(force),
                Quantize = parse.GetValue(quantize) == "int8"
                    ? new QuantizeOptions
                    {
                        CalibrationDirectory = parse.GetValue(calibration),
                        MaxImages = parse.GetValue(calibrationImages),
                        Method = parse.GetValue(calibrationMethod)!,
                        Percentile = parse.GetValue(percentile),
                        ActivationType = parse.GetValue(activations)!,
                        Int4MinWeights = parse.GetValue(int4),
                        Int4Rounding = parse.GetValue(int4Rounding)!,
                        Int4GroupSize = parse.GetValue(int4Groups),
                        KeepFloat = !parse.GetValue(noFloat),
                    }
                    : null,
            };
            var result = BundlePreparer.Prepare(options, console.Out.WriteLine);
            console.Out.WriteLine(result.Summary());
            return ExitCodes.Success;
        });
        return command;
    }
}
