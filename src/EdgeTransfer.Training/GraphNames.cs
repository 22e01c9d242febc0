namespace EdgeTransfer.Training;

/// <summary>
/// The graph input and output names of docs/bundle.md ("Graph interfaces"). Repeated here on purpose:
/// this library runs bundles on the device and must not reference the offline graph library.
/// </summary>
internal static class GraphNames
{
    public const string Features = "features";
    public const string Labels = "labels";
    public const string SampleWeights = "sample_weights";
    public const string ClassWeights = "class_weights";
    public const string LabelSmoothing = "label_smoothing";
    public const string Loss = "loss";
    public const string Probabilities = "probabilities";
    public const string LearningRate = "learning_rate";
    public const string WeightDecay = "weight_decay";
    public const string Step = "step";
    public const string GradientPrefix = "grad.";
    public const string UpdatedPrefix = "new.";

    public static bool IsTrainingDataInput(string name) =>
        name is Features or Labels or SampleWeights or ClassWeights or LabelSmoothing;
}
