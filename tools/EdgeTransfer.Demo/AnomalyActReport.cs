namespace EdgeTransfer.Demo;

/// <summary>The figures of the normal-only act.</summary>
public sealed record AnomalyActReport
{
    /// <summary>Good parts the model was fitted from (no defect was shown).</summary>
    public required int GoodParts { get; init; }

    /// <summary>The model the device put in service.</summary>
    public required string ModelVersion { get; init; }

    /// <summary>Fit wall time on the device, backbone runs included.</summary>
    public required double FitSeconds { get; init; }

    /// <summary>Bytes of the memory bank.</summary>
    public required long BankBytes { get; init; }

    /// <summary>Image AUROC over new good parts against new parts of every defect kind.</summary>
    public required double ImageAuroc { get; init; }

    /// <summary>Pixel AUROC of the rendered maps against the exact defect masks.</summary>
    public required double PixelAuroc { get; init; }

    /// <summary>New good parts rejected at the device's threshold.</summary>
    public required double FalseRejectRate { get; init; }

    /// <summary>New good parts scored.</summary>
    public required int GoodTested { get; init; }

    /// <summary>Per defect kind: parts, rejected at the threshold, image AUROC against the good parts.</summary>
    public required IReadOnlyList<(string Kind, int Parts, int Rejected, double Auroc)> Kinds { get; init; }

    /// <summary>The image shown with its map.</summary>
    public string MapImage { get; init; } = "";

    /// <summary>Its defect kind.</summary>
    public string MapKind { get; init; } = "";

    /// <summary>Its normalised score (0.5 = threshold).</summary>
    public double MapScore { get; init; }

    /// <summary>The patch map as text, beside the true defect mask.</summary>
    public string MapAscii { get; init; } = "";

    /// <summary>The PNG with the map over the part.</summary>
    public string MapPath { get; init; } = "";
}
