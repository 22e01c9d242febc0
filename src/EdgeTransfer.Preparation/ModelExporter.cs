using EdgeTransfer.Artifacts.Bundles;
using EdgeTransfer.Artifacts.Checkpoints;
using EdgeTransfer.Artifacts.Manifest;
using EdgeTransfer.Onnx.Composition;
using EdgeTransfer.Onnx.Heads;
using EdgeTransfer.Onnx.Model;
using EdgeTransfer.Onnx.Protos;
using EdgeTransfer.Onnx.Tensors;

namespace EdgeTransfer.Preparation;

/// <summary>
/// <c>edgetransfer export</c>: merges a bundle's backbone, a trained head checkpoint and the softmax
/// into one deployable ONNX model (image tensor in, class probabilities out) that needs no EdgeTransfer
/// runtime to run.
/// </summary>
public static class ModelExporter
{
    /// <summary>The prefix of every head tensor inside the exported graph.</summary>
    public const string HeadPrefix = "head/";

    /// <summary>Exports the model.</summary>
    /// <param name="bundleDirectory">The bundle (verified before use).</param>
    /// <param name="checkpointPath">A trained checkpoint; null for the bundle's own checkpoint.</param>
    /// <param name="preferInt8">Use the INT8 backbone when the bundle has one.</param>
    /// <param name="outputPath">The .onnx file to write (atomically).</param>
    /// <returns>What was exported.</returns>
    /// <exception cref="BundleException">The bundle is not valid.</exception>
    /// <exception cref="CheckpointException">The checkpoint cannot be read or does not fit the bundle's head.</exception>
    public static ExportResult Export(string bundleDirectory, string? checkpointPath, bool preferInt8, string outputPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(bundleDirectory);
        ArgumentException.ThrowIfNullOrEmpty(outputPath);

        var bundle = BundleReader.Open(bundleDirectory);
        var manifest = bundle.Manifest;
        var role = preferInt8 && bundle.TryGetPath(BundleRoles.BackboneInt8, out _) ? BundleRoles.BackboneInt8 : BundleRoles.Backbone;
        if (!bundle.TryGetPath(role, out var backbonePath))
        {
            role = BundleRoles.BackboneInt8;
            backbonePath = bundle.GetPath(role);
        }

        var checkpoint = checkpointPath is null ? bundle.ReadCheckpoint() : CheckpointFile.Read(checkpointPath);
        CheckHead(manifest, checkpoint, checkpointPath ?? bundle.GetPath(BundleRoles.Checkpoint));

        // Through the bundle: a backbone with packed 4-bit weights (format 3) gets them back as int8 initializers.
        var backbone = OnnxModelFile.Load(bundle.ReadBackbone(role), backbonePath!);
        var architecture = manifest.Head.Kind == HeadKind.Linear ? HeadArchitecture.Linear : HeadArchitecture.Mlp(manifest.Head.Hidden);
        var head = HeadGraphs.Inference(architecture, manifest.Features.Size, manifest.Classes.Count);
        var bindings = checkpoint.Parameters
            .Select(p => TensorProtos.FromFloats(p.Name, p.Shape, p.Data))
            .ToList();
        var model = GraphComposer.Compose(
            backbone,
            head,
            new Dictionary<string, string> { [HeadGraphNames.Features] = manifest.Features.Tensor },
            bindings,
            HeadPrefix);

        model.ProducerName = "edgetransfer";
        model.DocString = $"EdgeTransfer export of bundle {manifest.BundleId}: {role} + trained {architecture} head + softmax.";
        model.MetadataProps.Add(new StringStringEntryProto { Key = "edgetransfer.bundle_id", Value = manifest.BundleId });
        model.MetadataProps.Add(new StringStringEntryProto { Key = "edgetransfer.classes", Value = string.Join(",", manifest.Classes) });
        model.MetadataProps.Add(new StringStringEntryProto { Key = "edgetransfer.backbone", Value = role });
        if (checkpoint.Metadata.TryGetValue("head_version", out var version))
        {
            model.MetadataProps.Add(new StringStringEntryProto { Key = "edgetransfer.head_version", Value = version });
        }

        OnnxModelFile.Validate(model, outputPath);
        OnnxModelFile.Save(model, outputPath);
        return new ExportResult(Path.GetFullPath(outputPath), manifest.BundleId, role, [.. manifest.Classes], new FileInfo(outputPath).Length);
    }

    private static void CheckHead(BundleManifest manifest, HeadCheckpoint checkpoint, string checkpointPath)
    {
        foreach (var expected in manifest.Head.Parameters)
        {
            var actual = checkpoint.Parameters.FirstOrDefault(p => p.Name == expected.Name)
                ?? throw new CheckpointException(checkpointPath, $"it has no parameter '{expected.Name}', which the bundle's {manifest.Head.Kind} head needs; was it trained for another bundle?");
            if (!actual.Shape.SequenceEqual(expected.Shape))
            {
                throw new CheckpointException(checkpointPath, $"parameter '{expected.Name}' is [{string.Join(",", actual.Shape)}], the bundle's head needs [{string.Join(",", expected.Shape)}]; was it trained for another bundle?");
            }

            if (actual.Data.Any(v => !float.IsFinite(v)))
            {
                throw new CheckpointException(checkpointPath, $"parameter '{expected.Name}' holds NaN or infinite values; it cannot be deployed.");
            }
        }
    }
}
