using System.Diagnostics;
using EdgeTransfer.Artifacts.IO;
using EdgeTransfer.Artifacts.Bundles;
using EdgeTransfer.Artifacts.Checkpoints;
using EdgeTransfer.Artifacts.Manifest;
using EdgeTransfer.Artifacts.Preprocessing;
using EdgeTransfer.Onnx.Anomaly;
using EdgeTransfer.Onnx.Heads;
using EdgeTransfer.Onnx.Model;
using EdgeTransfer.Onnx.Quantization;
using EdgeTransfer.Onnx.Surgery;
using EdgeTransfer.Onnx.Tensors;
using Google.Protobuf;

namespace EdgeTransfer.Preparation;

/// <summary>
/// The offline tool's main work: a pretrained ONNX model and its preprocessing spec become a bundle
/// (frozen backbone, head graphs, seeded checkpoint, manifest with the sha256 of every file).
/// </summary>
/// <remarks>
/// Everything is written into a staging directory that is renamed into place only when complete
/// (<see cref="BundleWriter"/>), so a failure at any step leaves no output behind.
/// </remarks>
public static class BundlePreparer
{
    /// <summary>Prepares the bundle described by <paramref name="options"/>.</summary>
    /// <param name="options">What to prepare.</param>
    /// <param name="log">Receives one line per step, for progress output.</param>
    /// <returns>The bundle as written, with what each step did and how long it took.</returns>
    /// <exception cref="InvalidSettingException">An option is invalid (named in the message).</exception>
    /// <exception cref="ModelFormatException">The model file cannot be used.</exception>
    /// <exception cref="GraphException">The graph cannot be prepared (e.g. the cut tensor does not exist).</exception>
    public static PrepareResult Prepare(PrepareOptions options, Action<string>? log = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        log ??= _ => { };
        var clock = Stopwatch.StartNew();

        // Cheap checks first: a typo in --classes must not cost a minute of graph work.
        ClassNames.Validate(options.Classes);
        var head = HeadArchitecture.Parse(options.Head);
        var optimizer = OptimizerSettings.Parse(options.Optimizer).WithRates(options.LearningRate, options.WeightDecay);
        options.Quantize?.Validate();

        var (modelPath, spec) = ModelLocator.Resolve(options.ModelPath, options.SpecPath);
        using var writer = new BundleWriter(options.OutputDirectory, overwrite: options.Force);

        log($"model      {modelPath}");
        var source = OnnxModelFile.Load(modelPath);
        var sourceSha = Sha256.OfFile(modelPath);

        var preparer = new BackbonePreparer(new BackbonePreparerOptions { CutTensor = options.CutTensor ?? spec.FeatureTensor });
        var backbone = preparer.Prepare(source, modelPath);
        var featureSize = backbone.FeatureSize
            ?? throw new GraphException($"The feature tensor '{backbone.FeatureName}' of '{modelPath}' has no fixed size after flattening; cut the backbone where the features are [N,C] or [N,C,1,1] (--cut).", backbone.FeatureName);
        CheckInput(spec, backbone);
        foreach (var pass in backbone.Passes)
        {
            log($"  {pass}");
        }

        log($"backbone   input {backbone.InputName} [{string.Join(",", backbone.InputShape)}], features [N,{featureSize}], opset {backbone.SourceOpset} → {OpsetUpgrader.MaxTargetOpset}");

        var patch = PatchLayerOutputs.Attach(options.PatchLayers, backbone, log);
        var meanImage = ReadMeanImage(spec);
        var input = spec.Input;
        if (meanImage is not null)
        {
            writer.AddFile(MeanImageFile.DefaultFileName, BundleRoles.MeanImage, stream => MeanImageFile.Write(stream, meanImage));
            input = input with { Mean = new MeanSpec { ImageFile = MeanImageFile.DefaultFileName } };
        }

        QuantizationInfo? quantization = null;
        var backboneBytes = patch.Model.ToByteArray();
        if (options.Quantize is { } quantize)
        {
            var result = BackboneQuantization.Run(patch.Model, spec.Input, meanImage, quantize, log);
            var packed = Int4WeightPacking.TakeOut(result.Model, result.Int4Weights, quantize.Int4GroupSize);
            writer.AddFile("backbone.int8.onnx", BundleRoles.BackboneInt8, result.Model.ToByteArray());
            if (packed.Count > 0)
            {
                var file = writer.AddFile(PackedWeightsFile.DefaultFileName, BundleRoles.PackedWeights, stream => PackedWeightsFile.Write(stream, packed));
                log($"  packed   {packed.Count} 4-bit weights ({packed.Sum(t => (long)t.Values.Length):N0} values) into {file.Path}, {file.Bytes:N0} bytes");
            }

            quantization = result.Info;
        }

        if (options.Quantize is null || options.Quantize.KeepFloat)
        {
            writer.AddFile("backbone.onnx", BundleRoles.Backbone, backboneBytes);
        }

        if (patch.Section is not null)
        {
            writer.AddFile("anomaly-scoring.onnx", BundleRoles.AnomalyScoring, AnomalyScoringGraph.Build().ToByteArray());
        }

        var classCount = options.Classes.Count;
        writer.AddFile("train.onnx", BundleRoles.TrainingModel, HeadGraphs.Training(head, featureSize, classCount).ToByteArray());
        writer.AddFile("optimizer.onnx", BundleRoles.OptimizerModel, HeadGraphs.Optimizer(head, optimizer, featureSize, classCount).ToByteArray());
        writer.AddFile("eval.onnx", BundleRoles.EvalModel, HeadGraphs.Eval(head, featureSize, classCount).ToByteArray());
        writer.AddFile("infer.onnx", BundleRoles.InferenceModel, HeadGraphs.Inference(head, featureSize, classCount).ToByteArray());
        var checkpoint = InitialHead.Create(head, featureSize, classCount, options.Seed, optimizer);
        writer.AddFile("checkpoint" + CheckpointFile.Extension, BundleRoles.Checkpoint, stream => CheckpointFile.Write(stream, checkpoint));
        log($"head       {head} for {classCount} classes, {optimizer}, seed {options.Seed}");

        var createdAt = DateTimeOffset.UtcNow;
        var manifest = writer.Commit(new BundleManifest
        {
            BundleId = BundleManifest.CreateBundleId(spec.Name, classCount, createdAt),
            CreatedAt = createdAt,
            SourceModel = new SourceModelInfo { File = Path.GetFileName(modelPath), Sha256 = sourceSha, Opset = (int)backbone.SourceOpset },
            Input = input,
            Features = new FeatureInfo { Tensor = backbone.FeatureName, Size = featureSize },
            Classes = [.. options.Classes],
            Head = new HeadSpec
            {
                Kind = head.Kind,
                Hidden = head.Hidden,
                Seed = options.Seed,
                Parameters = [.. head.Parameters(featureSize, classCount).Select(p => new ParameterSpec { Name = p.Name, Shape = [.. p.Shape] })],
            },
            Optimizer = new OptimizerSpec
            {
                Kind = optimizer.Kind,
                LearningRate = optimizer.LearningRate,
                WeightDecay = optimizer.WeightDecay,
                Beta1 = optimizer.Beta1,
                Beta2 = optimizer.Beta2,
                Epsilon = optimizer.Epsilon,
                Momentum = optimizer.Momentum,
                State = optimizer.StateNames,
            },
            Training = new TrainingDefaults { BatchSize = 32, Epochs = 30, LabelSmoothing = 0 },
            Quantization = quantization,
            PatchFeatures = patch.Section,
        });

        clock.Stop();
        return new PrepareResult(writer.OutputDirectory, manifest, clock.Elapsed);
    }

    private static void CheckInput(PreprocessingSpec spec, PreparedBackbone backbone)
    {
        var specSource = spec.Name;
        if (spec.Input.Name != backbone.InputName)
        {
            throw new InvalidSettingException($"spec '{specSource}': input.name", $"the spec names input '{spec.Input.Name}' but the model's input is '{backbone.InputName}'.");
        }

        var shape = backbone.InputShape;
        if (shape.Count >= 3)
        {
            long c = shape[^3], h = shape[^2], w = shape[^1];
            if (c != spec.Input.Channels || h != spec.Input.Height || w != spec.Input.Width)
            {
                throw new InvalidSettingException(
                    $"spec '{specSource}': input",
                    $"the spec says [{spec.Input.Channels},{spec.Input.Height},{spec.Input.Width}] (C,H,W) but the model's input '{backbone.InputName}' is [{string.Join(",", shape)}].");
            }
        }
    }

    // The bundle never points outside itself: a mean image named by the spec (an initializer of a
    // preprocessing ONNX graph, or a raw file) is copied in as mean_image.f32.
    private static float[]? ReadMeanImage(PreprocessingSpec spec)
    {
        var input = spec.Input;
        if (!input.Mean.IsImage)
        {
            return null;
        }

        float[] values;
        if (input.Mean.Image is { } image)
        {
            var path = spec.ResolveMeanImageModelPath()!;
            var model = OnnxModelFile.Load(path);
            var tensor = model.Graph.Initializer.FirstOrDefault(t => t.Name == image.Initializer)
                ?? throw new InvalidSettingException(
                    $"spec '{spec.Name}': input.mean.image.initializer",
                    $"'{path}' has no initializer '{image.Initializer}'; it has {string.Join(", ", model.Graph.Initializer.Select(t => t.Name).Take(10))}.");
            values = TensorProtos.ToFloats(tensor);
        }
        else
        {
            values = MeanImageFile.Read(spec.ResolveMeanImageFilePath()!, input);
        }

        return values.Length == input.ValuesPerImage
            ? values
            : throw new InvalidSettingException(
                $"spec '{spec.Name}': input.mean",
                $"the mean image has {values.Length} values, the input needs C·H·W = {input.ValuesPerImage}.");
    }
}
