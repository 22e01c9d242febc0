namespace EdgeTransfer.Training;

/// <summary>How <see cref="HeadTrainer"/> trains. Checked by <see cref="HeadTrainerOptionsValidator"/> when the trainer is created.</summary>
public sealed class HeadTrainerOptions
{
    /// <summary>Samples per optimizer step; default 32. The last batch of an epoch may be smaller.</summary>
    public int BatchSize { get; set; } = 32;

    /// <summary>Passes over the data; default 30.</summary>
    public int Epochs { get; set; } = 30;

    /// <summary>The seed of the shuffling; the same seed and data give the same head.</summary>
    public int Seed { get; set; }

    /// <summary>Whether to shuffle the samples at the start of every epoch; default true.</summary>
    public bool Shuffle { get; set; } = true;

    /// <summary>Fed to the optimizer graph's <c>learning_rate</c>; default 1e-3.</summary>
    public float LearningRate { get; set; } = 1e-3f;

    /// <summary>How the learning rate changes from epoch to epoch; default <see cref="LearningRateSchedule.Constant"/>.</summary>
    public LearningRateSchedule Schedule { get; set; } = LearningRateSchedule.Constant;

    /// <summary>Fed to the optimizer graph's <c>weight_decay</c>; default 1e-4 (weights only, by the graph).</summary>
    public float WeightDecay { get; set; } = 1e-4f;

    /// <summary>ε of label smoothing, 0 ≤ ε &lt; 1; default 0.</summary>
    public float LabelSmoothing { get; set; }

    /// <summary>A weight ≥ 0 per class (length C), or null for 1 everywhere.</summary>
    public IReadOnlyList<float>? ClassWeights { get; set; }

    /// <summary>
    /// A batch loss above this stops the run as diverging; default 1000. Cross-entropy starts near ln C,
    /// so a loss this large means the optimizer has blown up, long before it reaches Inf or NaN.
    /// </summary>
    public float LossLimit { get; set; } = 1000f;

    /// <summary>Threads and spinning of the ONNX Runtime sessions.</summary>
    public RuntimeOptions Runtime { get; set; } = new();
}
