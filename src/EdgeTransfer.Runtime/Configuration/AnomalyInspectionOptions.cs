namespace EdgeTransfer.Runtime.Configuration;

/// <summary>The <c>inspection.anomaly</c> section: how anomaly models are fitted on the device and reported.</summary>
public sealed class AnomalyInspectionOptions
{
    /// <summary>The share of good parts the threshold may reject, above 0 and at most 0.5. Default 0.01 (1 %).</summary>
    public double TargetFalseRejectRate { get; set; } = 0.01;

    /// <summary>Whether each verdict carries the 28×28 byte map of patch scores (128 = threshold). Default false.</summary>
    public bool IncludeMap { get; set; }

    /// <summary>How many anomaly model versions are kept (the rollback chain is always kept), 2 to 100. Default 5.</summary>
    public int KeepModels { get; set; } = 5;

    /// <summary>
    /// The fewest good images a fit accepts, 2 to 10000. Default 2. From 13 on, every fit holds a share of its images
    /// out, so the quality gate compares it with the model in service before it replaces it; a fit from fewer
    /// calibrates each image against the others and replaces the model in service on its own figures.
    /// </summary>
    public int MinGoodParts { get; set; } = 2;

    /// <summary>
    /// The folder of good images the MQTT <c>fit</c> command reads (a flat folder or an MVTec AD category),
    /// relative to <c>device.json</c>; null when the device fits only from the command line. A command never
    /// names a path itself.
    /// </summary>
    public string? GoodImages { get; set; }

    /// <summary>Optional images of defects the MQTT <c>fit</c> command scores for the quality gate's AUROC (flat or one folder per kind).</summary>
    public string? DefectImages { get; set; }
}
