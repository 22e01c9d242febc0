using EdgeTransfer.Runtime.Anomaly.Registry;

namespace EdgeTransfer.Runtime.Anomaly.OnDevice;

/// <summary>What a fit on the device made, what the quality gate said, and what is in service now.</summary>
public sealed class AnomalyFitOutcome
{
    /// <summary>The fit (model, bank, threshold, held-out scores, timings).</summary>
    public required AnomalyFitResult Fit { get; init; }

    /// <summary>The quality gate's decision.</summary>
    public required AnomalyGateDecision Gate { get; init; }

    /// <summary>The version promoted, or null when the gate kept the model in service.</summary>
    public AnomalyModelVersion? Promoted { get; init; }

    /// <summary>The version in service after the fit (null only when the first fit was refused).</summary>
    public AnomalyModelVersion? InService { get; init; }

    /// <summary>Good images read.</summary>
    public required int GoodImages { get; init; }

    /// <summary>Defect images read.</summary>
    public required int DefectImages { get; init; }

    /// <summary>Image files skipped as unreadable, with the reason.</summary>
    public required IReadOnlyList<string> Skipped { get; init; }

    /// <summary>Good images set aside as copies of another ("'b.png' copies 'a.png'"): they add nothing to the model.</summary>
    public IReadOnlyList<string> CopiesSetAside { get; init; } = [];

    /// <summary>Time spent running the backbone on the images.</summary>
    public required TimeSpan FeatureTime { get; init; }
}
