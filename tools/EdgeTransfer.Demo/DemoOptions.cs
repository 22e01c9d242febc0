namespace EdgeTransfer.Demo;

/// <summary>What the demo runs; every default is what the README's main command uses.</summary>
public sealed class DemoOptions
{
    /// <summary>Keep the bundle, the device state and the logs in this folder; null uses a temporary folder that is deleted.</summary>
    public string? KeepDirectory { get; init; }

    /// <summary>The classes of the demo's parts (synthetic defect classes).</summary>
    public IReadOnlyList<string> Classes { get; init; } = ["good", "scratch", "dent", "stain"];

    /// <summary>Parts the simulated technician labels per class.</summary>
    public int PartsPerClass { get; init; } = 40;

    /// <summary>New parts inspected to measure accuracy before and after training.</summary>
    public int EvaluationParts { get; init; } = 200;

    /// <summary>Line speed in parts per second.</summary>
    public double LineFramesPerSecond { get; init; } = 30;

    /// <summary>Epochs of the on-device training run.</summary>
    public int Epochs { get; init; } = 40;

    /// <summary>Learning rate of the on-device training run.</summary>
    public double LearningRate { get; init; } = 0.01;

    /// <summary>Good parts the normal-only act fits the anomaly model from; 0 skips the act.</summary>
    public int AnomalyGoodParts { get; init; } = 60;

    /// <summary>Seed of the parts on the line.</summary>
    public int Seed { get; init; } = 2026;

    /// <summary>Checks the options.</summary>
    /// <exception cref="InvalidSettingException">An option is out of range.</exception>
    public void Validate()
    {
        if (Classes.Count < 2)
        {
            throw new InvalidSettingException("--classes", "the demo needs at least two classes.");
        }

        if (PartsPerClass is < 5 or > 1000)
        {
            throw new InvalidSettingException("--parts-per-class", $"expected 5–1000, got {PartsPerClass}.");
        }

        if (AnomalyGoodParts != 0 && AnomalyGoodParts is < 5 or > 1000)
        {
            throw new InvalidSettingException("--anomaly-good-parts", $"expected 0 (no normal-only act) or 5–1000, got {AnomalyGoodParts}.");
        }

        if (EvaluationParts is < 20 or > 10_000)
        {
            throw new InvalidSettingException("--evaluation-parts", $"expected 20–10000, got {EvaluationParts}.");
        }
    }
}
