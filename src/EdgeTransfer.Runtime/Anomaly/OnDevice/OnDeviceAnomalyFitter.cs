using System.Diagnostics;
using EdgeTransfer.Runtime.Anomaly.Registry;
using EdgeTransfer.Runtime.Features;
using EdgeTransfer.Runtime.Loading;

namespace EdgeTransfer.Runtime.Anomaly.OnDevice;

/// <summary>
/// Fits an anomaly model on the device from a folder of good images: backbone with patch maps → fit (its
/// held-out share sets the threshold) → quality gate against the model in service on the same held-out
/// samples → promotion in the registry. A refused or failed fit leaves the model in service untouched.
/// </summary>
/// <param name="bundle">The verified bundle in use (with patch features).</param>
/// <param name="registry">The anomaly model registry of that bundle.</param>
/// <param name="fitOptions">How the model is fitted (target false-reject rate …); defaults when null.</param>
/// <param name="gate">The quality gate; defaults when null.</param>
/// <param name="backbone">Execution provider and threads of the backbone; defaults when null.</param>
public sealed class OnDeviceAnomalyFitter(DeviceBundle bundle, AnomalyModelRegistry registry, AnomalyFitOptions? fitOptions = null, AnomalyQualityGate? gate = null, BackboneOptions? backbone = null)
{
    /// <summary>Reads the images, fits, gates and promotes.</summary>
    /// <param name="goodFolder">A flat folder of good images, or an MVTec AD category.</param>
    /// <param name="defectFolder">Optional labelled defects (they only measure the model: AUROC for the gate).</param>
    /// <param name="progress">Told per image read and per fit step; may be null.</param>
    /// <param name="cancellationToken">Stops the fit; nothing is promoted then.</param>
    /// <exception cref="BundleException">The bundle has no patch features.</exception>
    /// <exception cref="ImageDatasetException">A folder is missing or holds no usable image.</exception>
    /// <exception cref="TrainingException">Too few good images.</exception>
    /// <exception cref="AnomalyRegistryException">The promotion could not be written; the model in service stays.</exception>
    public AnomalyFitOutcome Fit(string goodFolder, string? defectFolder, IProgress<AnomalyFitProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        ArgumentNullException.ThrowIfNull(registry);
        var good = AnomalyImageFolders.OpenGood(goodFolder);
        var defects = defectFolder is null ? null : AnomalyImageFolders.OpenDefects(defectFolder);
        var clock = Stopwatch.StartNew();
        List<AnomalyFeatures> goodFeatures, defectFeatures;
        using (var reader = new PatchFeatureReader(bundle, backbone))
        {
            var total = good.Entries.Count + (defects?.Entries.Count ?? 0);
            goodFeatures = reader.ReadAll(good, progress, total, 0, skipGoodFolder: false, cancellationToken);
            defectFeatures = defects is null ? [] : reader.ReadAll(defects, progress, total, goodFeatures.Count, skipGoodFolder: true, cancellationToken);
        }

        var featureTime = clock.Elapsed;
        var samples = goodFeatures.Select(f => new AnomalySample(f, IsDefect: false))
            .Concat(defectFeatures.Select(f => new AnomalySample(f, IsDefect: true)))
            .ToList();
        var fit = new AnomalyFitter(fitOptions).Fit(samples, progress, cancellationToken);
        cancellationToken.ThrowIfCancellationRequested();

        AnomalyModel? inService;
        try
        {
            inService = registry.ReadCurrent();
        }
        catch (AnomalyModelException)
        {
            // The file in service was damaged after the registry was opened: nothing to compare against, and
            // a sound candidate is the way out.
            inService = null;
        }

        var decision = (gate ?? new AnomalyQualityGate()).Decide(fit, inService);
        var promoted = decision.Accepted ? registry.Promote(fit) : null;
        return new AnomalyFitOutcome
        {
            Fit = fit,
            Gate = decision,
            Promoted = promoted,
            InService = registry.Current,
            GoodImages = goodFeatures.Count,
            DefectImages = defectFeatures.Count,
            Skipped = [.. good.Skipped.Concat(defects?.Skipped ?? []).Select(s => $"{s.Path}: {s.Reason}")],
            FeatureTime = featureTime,
        };
    }
}
