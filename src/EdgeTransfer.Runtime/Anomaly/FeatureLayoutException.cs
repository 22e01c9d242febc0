namespace EdgeTransfer.Runtime.Anomaly;

/// <summary>
/// Feature maps do not have the shapes an anomaly model was made for: samples of another bundle or
/// backbone, or a backbone whose patch layers changed. Fit again on this bundle's samples.
/// </summary>
public sealed class FeatureLayoutException : EdgeTransferException
{
    /// <summary>Creates the error.</summary>
    /// <param name="expected">The shapes the model or fit expects.</param>
    /// <param name="actual">The shapes that were given.</param>
    /// <param name="what">What had the wrong shapes (for the message), e.g. "sample 12".</param>
    public FeatureLayoutException(FeatureLayout expected, FeatureLayout actual, string what = "the feature maps")
        : base($"The anomaly model expects {expected}, but {what} have {actual}; the samples come from another bundle or backbone. Fit the anomaly model again on samples of this bundle.")
    {
        Expected = expected;
        Actual = actual;
    }

    /// <summary>The shapes the model or fit expects.</summary>
    public FeatureLayout Expected { get; }

    /// <summary>The shapes that were given.</summary>
    public FeatureLayout Actual { get; }
}
