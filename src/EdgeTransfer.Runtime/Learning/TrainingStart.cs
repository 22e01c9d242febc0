namespace EdgeTransfer.Runtime.Learning;

/// <summary>Which parameters a training run starts from.</summary>
public enum TrainingStart
{
    /// <summary>
    /// The bundle's seeded initial checkpoint: every run trains a fresh head on all stored samples, so the same
    /// samples and seed give the same head, and a bad head in service does not carry over.
    /// </summary>
    BundleCheckpoint,

    /// <summary>The parameters of the head in service (fine-tuning), with fresh optimizer state and step 0.</summary>
    CurrentHead,
}
