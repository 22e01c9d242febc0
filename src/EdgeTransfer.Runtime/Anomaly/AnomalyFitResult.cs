namespace EdgeTransfer.Runtime.Anomaly;

/// <summary>What a fit made and what it measured.</summary>
public sealed class AnomalyFitResult
{
    /// <summary>The fitted model.</summary>
    public required AnomalyModel Model { get; init; }

    /// <summary>The good samples whose patches built the bank.</summary>
    public required int TrainSamples { get; init; }

    /// <summary>The good samples held out to set the threshold.</summary>
    public required int HeldOutSamples { get; init; }

    /// <summary>The labelled defects that were scored (0 when none were stored).</summary>
    public required int DefectSamples { get; init; }

    /// <summary>
    /// Good samples left out because they copy an earlier one (the same image again, identical blank images): they add nothing to
    /// the memory bank and would pull the threshold towards zero.
    /// </summary>
    public int CopiesSetAside => CopiesNamed.Count;

    // Each copy and the sample it copies, named as the fit was told (file names on the device).
    internal IReadOnlyList<(string Sample, string Of)> CopiesNamed { get; init; } = [];

    /// <summary>The patches of the training samples before the coreset.</summary>
    public required int TrainPatches { get; init; }

    /// <summary>The rows of the memory bank.</summary>
    public int BankPatches => Model.Bank.Count;

    /// <summary>The bytes of the memory bank.</summary>
    public long BankBytes => Model.Bank.Bytes;

    /// <summary>The threshold chosen from the held-out good samples.</summary>
    public AnomalyThreshold Threshold => Model.Threshold;

    /// <summary>The raw scores of the held-out good samples, for a quality gate that compares models on them.</summary>
    public required IReadOnlyList<float> HeldOutScores { get; init; }

    /// <summary>
    /// True when there were too few good samples to hold a share out: every one is in the bank,
    /// <see cref="HeldOutScores"/> are each sample scored against a bank of the others, and <see cref="HeldOut"/> is
    /// empty (no good part is unseen by the model, so none can be scored by another model for a fair comparison).
    /// </summary>
    public bool LeaveOneOut { get; init; }

    /// <summary>The held-out good samples themselves, so a quality gate can score them with the model in service.</summary>
    public IReadOnlyList<AnomalyFeatures> HeldOut { get; init; } = [];

    /// <summary>The labelled defects that were scored (empty when none), for the same gate.</summary>
    public IReadOnlyList<AnomalyFeatures> Defects { get; init; } = [];

    /// <summary>The raw scores of the labelled defects (empty when none).</summary>
    public required IReadOnlyList<float> DefectScores { get; init; }

    /// <summary>Image AUROC of held-out good samples against labelled defects; null without defects.</summary>
    public double? ImageAuroc { get; init; }

    /// <summary>The F1-best threshold on held-out good samples and defects; null without defects.</summary>
    public F1Point? BestF1 { get; init; }

    /// <summary>Time spent turning feature maps into embeddings (training samples).</summary>
    public required TimeSpan EmbedTime { get; init; }

    /// <summary>Time spent choosing the coreset.</summary>
    public required TimeSpan CoresetTime { get; init; }

    /// <summary>Time spent scoring held-out samples and defects and choosing the threshold.</summary>
    public required TimeSpan CalibrationTime { get; init; }

    /// <summary>The whole fit.</summary>
    public TimeSpan TotalTime => EmbedTime + CoresetTime + CalibrationTime;
}
