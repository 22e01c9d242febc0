namespace EdgeTransfer.Runtime.Inspection;

/// <summary>What the inspection of one part concluded.</summary>
public enum VerdictOutcome
{
    /// <summary>No defect class reached its threshold, and the passing classes are likely enough.</summary>
    Good,

    /// <summary>A defect class reached its threshold: the part is rejected.</summary>
    Defect,

    /// <summary>
    /// No defect class reached its threshold, but the passing classes together are less likely than
    /// <see cref="VerdictPolicy.MinimumPassConfidence"/>; <see cref="VerdictPolicy.UncertainAction"/> decides.
    /// </summary>
    Uncertain,
}
