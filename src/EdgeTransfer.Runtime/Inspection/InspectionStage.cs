namespace EdgeTransfer.Runtime.Inspection;

/// <summary>The timed stages of one inspection.</summary>
public enum InspectionStage
{
    /// <summary>Decoding an encoded frame (JPEG, PNG, BMP); raw camera frames skip it.</summary>
    Decode,

    /// <summary>Resize and normalisation into the backbone's input.</summary>
    Preprocess,

    /// <summary>The backbone (feature extraction).</summary>
    Backbone,

    /// <summary>The head (class probabilities) and the verdict rule.</summary>
    Head,

    /// <summary>The whole frame, from the start of decoding (or preprocessing) to the verdict.</summary>
    Total,
}
