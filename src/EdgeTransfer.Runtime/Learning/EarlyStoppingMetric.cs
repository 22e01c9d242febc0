namespace EdgeTransfer.Runtime.Learning;

/// <summary>What early stopping watches on the validation samples after every epoch.</summary>
public enum EarlyStoppingMetric
{
    /// <summary>The validation cross-entropy; an epoch is better when its loss is lower. Smoother than accuracy on small sets.</summary>
    ValidationLoss,

    /// <summary>The validation accuracy; an epoch is better when it is higher, or equal with a lower loss.</summary>
    ValidationAccuracy,
}
