namespace EdgeTransfer.Artifacts.Manifest;

/// <summary>The file roles of bundle format v1 (docs/bundle.md, "Files and roles").</summary>
public static class BundleRoles
{
    /// <summary>The frozen float feature extractor.</summary>
    public const string Backbone = "backbone";

    /// <summary>The same backbone, static QDQ INT8.</summary>
    public const string BackboneInt8 = "backbone-int8";

    /// <summary>Loss and gradients of the head.</summary>
    public const string TrainingModel = "training-model";

    /// <summary>One optimizer step.</summary>
    public const string OptimizerModel = "optimizer-model";

    /// <summary>Loss and logits.</summary>
    public const string EvalModel = "eval-model";

    /// <summary>Class probabilities.</summary>
    public const string InferenceModel = "inference-model";

    /// <summary>The initial head parameters and optimizer state.</summary>
    public const string Checkpoint = "checkpoint";

    /// <summary>The mean image, float32 little-endian [C,H,W].</summary>
    public const string MeanImage = "mean-image";

    /// <summary>The anomaly model's per-frame work as an ONNX graph (embedding and nearest-bank distances; docs/anomaly.md). Optional: without it the device scores in managed code.</summary>
    public const string AnomalyScoring = "anomaly-scoring";

    /// <summary>
    /// The INT8 backbone's 4-bit weights, two to a byte (format 3, <see cref="Bundles.PackedWeightsFile"/>): taken out of
    /// the <see cref="BackboneInt8"/> file and put back when the backbone is loaded. Optional.
    /// </summary>
    public const string PackedWeights = "packed-weights";

    /// <summary>The roles every bundle has (and at least one of <see cref="Backbone"/> and <see cref="BackboneInt8"/>).</summary>
    public static IReadOnlyList<string> Required { get; } = [TrainingModel, OptimizerModel, EvalModel, InferenceModel, Checkpoint];

    /// <summary>Whether <paramref name="role"/> is written like a role: lower-case letters, digits and dashes.</summary>
    /// <param name="role">The text to check.</param>
    public static bool IsWellFormed(string? role) =>
        !string.IsNullOrEmpty(role) && role.Length <= 64 && char.IsAsciiLetterLower(role[0])
        && role.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-');
}
