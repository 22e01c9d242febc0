namespace EdgeTransfer.Runtime.Inspection;

/// <summary>How long each stage of one inspection took.</summary>
/// <param name="Decode">Decoding; zero for a raw frame.</param>
/// <param name="Preprocess">Resize and normalisation.</param>
/// <param name="Backbone">Feature extraction.</param>
/// <param name="Head">Class probabilities and the verdict rule.</param>
/// <param name="Total">The whole frame.</param>
public readonly record struct StageLatencies(TimeSpan Decode, TimeSpan Preprocess, TimeSpan Backbone, TimeSpan Head, TimeSpan Total)
{
    /// <summary>The time of <paramref name="stage"/>.</summary>
    /// <param name="stage">The stage.</param>
    public TimeSpan this[InspectionStage stage] => stage switch
    {
        InspectionStage.Decode => Decode,
        InspectionStage.Preprocess => Preprocess,
        InspectionStage.Backbone => Backbone,
        InspectionStage.Head => Head,
        _ => Total,
    };
}
