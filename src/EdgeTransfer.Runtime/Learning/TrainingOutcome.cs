namespace EdgeTransfer.Runtime.Learning;

/// <summary>How a training run ended. Only <see cref="Promoted"/> changes the head in service.</summary>
public enum TrainingOutcome
{
    /// <summary>The quality gate accepted the candidate and it is now the head in service.</summary>
    Promoted,

    /// <summary>The candidate trained, but the quality gate kept the head in service (worse, or too few validation samples).</summary>
    KeptByQualityGate,

    /// <summary>The samples cannot train a head (one class, too few samples, wrong feature size, a NaN feature); nothing was trained.</summary>
    Refused,

    /// <summary>The loss became NaN, infinite or exploded, and the run was aborted; nothing was promoted.</summary>
    Diverged,

    /// <summary>Another head was put in service while this run trained (a rollback, say); the candidate was not promoted over it.</summary>
    Superseded,
}
