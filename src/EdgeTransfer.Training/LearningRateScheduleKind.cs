namespace EdgeTransfer.Training;

/// <summary>How the learning rate changes from epoch to epoch (see <see cref="LearningRateSchedule"/>).</summary>
public enum LearningRateScheduleKind
{
    /// <summary>The base rate in every epoch (after the warm-up, if any).</summary>
    Constant,

    /// <summary>Cosine decay from the base rate to the minimum over the epochs after the warm-up.</summary>
    Cosine,

    /// <summary>The base rate multiplied by a factor every few epochs after the warm-up.</summary>
    Step,
}
