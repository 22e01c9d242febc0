namespace EdgeTransfer.Artifacts.Manifest;

/// <summary>
/// The input and output names of the head graphs (docs/bundle.md, "Graph interfaces"): the graph library writes
/// them and the trainer on the device reads them, so both take them from here.
/// </summary>
public static class HeadGraphNames
{
    /// <summary>Input: float [N,D].</summary>
    public const string Features = "features";

    /// <summary>Input: int64 [N].</summary>
    public const string Labels = "labels";

    /// <summary>Input of the training graph: float [N].</summary>
    public const string SampleWeights = "sample_weights";

    /// <summary>Input of the training graph: float [C].</summary>
    public const string ClassWeights = "class_weights";

    /// <summary>Input of the training graph: float [] in [0, 1).</summary>
    public const string LabelSmoothing = "label_smoothing";

    /// <summary>Output of the training and eval graphs: float [].</summary>
    public const string Loss = "loss";

    /// <summary>Output of the eval graph: float [N,C].</summary>
    public const string Logits = "logits";

    /// <summary>Output of the inference graph: float [N,C].</summary>
    public const string Probabilities = "probabilities";

    /// <summary>Input of the optimizer graph: float [].</summary>
    public const string LearningRate = "learning_rate";

    /// <summary>Input of the optimizer graph: float [].</summary>
    public const string WeightDecay = "weight_decay";

    /// <summary>Input of the optimizer graph: float [], the 1-based number of the step being taken.</summary>
    public const string Step = "step";

    /// <summary>What the training graph puts before a parameter's name to name its gradient.</summary>
    public const string GradientPrefix = "grad.";

    /// <summary>What the optimizer graph puts before a tensor's name to name its updated value.</summary>
    public const string UpdatedPrefix = "new.";

    /// <summary>Whether <paramref name="name"/> is an input of the training graph that carries data, not a parameter.</summary>
    /// <param name="name">A training-graph input name.</param>
    public static bool IsTrainingDataInput(string name) =>
        name is Features or Labels or SampleWeights or ClassWeights or LabelSmoothing;

    /// <summary>The gradient of a parameter: <c>grad.&lt;param&gt;</c>.</summary>
    /// <param name="parameter">The parameter name.</param>
    public static string Gradient(string parameter) => GradientPrefix + parameter;

    /// <summary>An optimizer state tensor of a parameter: <c>&lt;state&gt;.&lt;param&gt;</c>.</summary>
    /// <param name="state">The state name (<c>adam.m</c> …).</param>
    /// <param name="parameter">The parameter name.</param>
    public static string State(string state, string parameter) => state + "." + parameter;

    /// <summary>An updated value output by the optimizer graph: <c>new.&lt;name&gt;</c>.</summary>
    /// <param name="name">The parameter or state tensor name.</param>
    public static string Updated(string name) => UpdatedPrefix + name;
}
