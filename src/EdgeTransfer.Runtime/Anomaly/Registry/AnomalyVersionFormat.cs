using System.Globalization;
using EdgeTransfer.Runtime.Versioning;

namespace EdgeTransfer.Runtime.Anomaly.Registry;

/// <summary>
/// What the <see cref="AnomalyModelRegistry"/> keeps: anomaly model files (<c>a0003.etam</c>), their version under
/// <c>registry.version</c> and the fit's held-out false-reject rate and AUROC under <c>fit.*</c>.
/// </summary>
internal sealed class AnomalyVersionFormat : VersionFormat<AnomalyModel, AnomalyModelVersion>
{
    private const string KeyFrr = "fit.heldOutFalseRejectRate";
    private const string KeyAuroc = "fit.imageAuroc";

    private static readonly RegistryWording ModelWording = new(
        "model",
        "no anomaly model has been fitted yet, so there is nothing to roll back.",
        "is the first anomaly model of this bundle; there is no earlier one to roll back to.",
        "and no intact model is left; no anomaly model is in service.");

    private AnomalyVersionFormat()
    {
    }

    public static AnomalyVersionFormat Instance { get; } = new();

    public override char Prefix => 'a';

    public override string Extension => AnomalyModelFile.Extension;

    public override string VersionKey => "registry.version";

    public override string RecordedPrefix => "fit.";

    public override RegistryWording Wording => ModelWording;

    /// <summary>The metadata keys that record a fit's results (only those that are known).</summary>
    public static Dictionary<string, string> FitMetadata(double? heldOutFalseRejectRate, double? imageAuroc)
    {
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        if (heldOutFalseRejectRate is { } frr)
        {
            metadata[KeyFrr] = frr.ToString("R", CultureInfo.InvariantCulture);
        }

        if (imageAuroc is { } auroc)
        {
            metadata[KeyAuroc] = auroc.ToString("R", CultureInfo.InvariantCulture);
        }

        return metadata;
    }

    public override AnomalyModel Read(string path, string directory) => AnomalyModelFile.Read(path);

    public override string? DamageReason(Exception error) => error is AnomalyModelException model ? model.Reason : null;

    public override void Write(string path, AnomalyModel content) => AnomalyModelFile.Write(path, content);

    public override IReadOnlyDictionary<string, string> MetadataOf(AnomalyModel content) => content.Metadata;

    public override AnomalyModel WithMetadata(AnomalyModel content, Dictionary<string, string> metadata) =>
        new(content.Layout, content.Projection, content.Bank, content.Threshold, metadata);

    public override AnomalyModelVersion CreateVersion(RegistryEntry entry, AnomalyModel content) => new()
    {
        Number = entry.Number,
        Path = entry.Path,
        CreatedAt = entry.CreatedAt,
        Source = Enum.Parse<AnomalyModelSource>(entry.Source, ignoreCase: true),
        Previous = entry.Previous,
        RestoredFrom = entry.RestoredFrom,
        Threshold = content.Threshold.Value,
        BankPatches = content.Bank.Count,
        BankBytes = content.Bank.Bytes,
        HeldOutFalseRejectRate = OptionalDouble(content.Metadata, KeyFrr),
        ImageAuroc = OptionalDouble(content.Metadata, KeyAuroc),
        LeaveOneOut = content.Metadata.TryGetValue(AnomalyFitter.CalibrationKey, out var calibration) && calibration == AnomalyFitter.LeaveOneOutCalibrationName,
    };

    public override IReadOnlyDictionary<string, string> Recorded(AnomalyModelVersion version) =>
        FitMetadata(version.HeldOutFalseRejectRate, version.ImageAuroc);

    public override Exception Error(string directory, string reason, Exception? innerException = null) =>
        new AnomalyRegistryException(directory, reason, innerException);

    private static double? OptionalDouble(IReadOnlyDictionary<string, string> metadata, string key) =>
        metadata.TryGetValue(key, out var text) ? double.Parse(text, CultureInfo.InvariantCulture) : null;
}
