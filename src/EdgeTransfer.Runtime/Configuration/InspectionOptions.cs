namespace EdgeTransfer.Runtime.Configuration;

/// <summary>The <c>inspection</c> section: how class probabilities become a verdict. Class names are checked against the bundle.</summary>
public sealed class InspectionOptions
{
    /// <summary>The class of parts that pass. Default <c>good</c>.</summary>
    public string GoodClass { get; set; } = "good";

    /// <summary>
    /// The classes that reject a part, or null (default) for every class but <see cref="GoodClass"/>. An empty list
    /// makes a sorting line: every class passes and the verdict names the most probable class.
    /// </summary>
    public IReadOnlyList<string>? DefectClasses { get; set; }

    /// <summary>Per defect class, the probability (0 to 1) from which it rejects a part; classes not listed use <see cref="DefaultThreshold"/>.</summary>
    public IReadOnlyDictionary<string, double> Thresholds { get; set; } = new Dictionary<string, double>();

    /// <summary>The threshold of defect classes not in <see cref="Thresholds"/>, 0 to 1. Default 0.5.</summary>
    public double DefaultThreshold { get; set; } = 0.5;

    /// <summary>What decides pass or reject: the head (default), the anomaly model, or both.</summary>
    public InspectionMode Mode { get; set; } = InspectionMode.Classify;

    /// <summary>The anomaly model's settings (fit and verdicts).</summary>
    public AnomalyInspectionOptions Anomaly { get; set; } = new();
}
