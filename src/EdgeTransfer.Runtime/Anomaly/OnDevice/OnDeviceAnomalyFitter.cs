using System.Diagnostics;
using EdgeTransfer.Imaging.Datasets;
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
/// <param name="shared">A backbone already open with patch maps (the inspection pipeline's) to read the images with instead of opening a second session; null or without patch maps: the fit opens its own.</param>
public sealed class OnDeviceAnomalyFitter(DeviceBundle bundle, AnomalyModelRegistry registry, AnomalyFitOptions? fitOptions = null, AnomalyQualityGate? gate = null, BackboneOptions? backbone = null, IPatchMapSource? shared = null)
{
    /// <summary>Reads the images, fits, gates and promotes.</summary>
    /// <param name="goodFolder">A flat folder of good images, or an MVTec AD category.</param>
    /// <param name="defectFolder">Optional labelled defects (they only measure the model: AUROC for the gate).</param>
    /// <param name="progress">Told per image read and per fit step; may be null.</param>
    /// <param name="cancellationToken">Stops the fit; nothing is promoted then.</param>
    /// <exception cref="BundleException">The bundle has no patch features.</exception>
    /// <exception cref="ImageDatasetException">A folder is missing or holds no usable image.</exception>
    /// <exception cref="TrainingException">Too few good images, or too few different ones (the error names the copies).</exception>
    /// <exception cref="AnomalyRegistryException">The promotion could not be written; the model in service stays.</exception>
    public AnomalyFitOutcome Fit(string goodFolder, string? defectFolder, IProgress<AnomalyFitProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        ArgumentNullException.ThrowIfNull(registry);
        var good = AnomalyImageFolders.OpenGood(goodFolder);
        var defects = defectFolder is null ? null : AnomalyImageFolders.OpenDefects(defectFolder);
        var clock = Stopwatch.StartNew();
        var counts = new int[2];
        var goodPaths = new List<string>();
        string Name(int sample) => $"'{Path.GetRelativePath(goodFolder, goodPaths[sample])}'";

        // The images stream into the fit: a bank part's maps are embedded and dropped before the next image is read,
        // which keeps a fit from 100 parts within the device's memory (docs/anomaly.md, "Memory").
        var fit = new AnomalyFitter(fitOptions).Fit(good.Entries.Count, Read(good, defects, progress, counts, goodPaths, cancellationToken), Name, progress, cancellationToken);
        var featureTime = clock.Elapsed - fit.TotalTime;
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
            GoodImages = counts[0],
            DefectImages = counts[1],
            Skipped = [.. good.Skipped.Concat(defects?.Skipped ?? []).Select(s => $"{s.Path}: {s.Reason}")],
            CopiesSetAside = [.. fit.CopiesNamed.Select(c => $"{c.Sample} copies {c.Of}")],
            FeatureTime = featureTime,
        };
    }

    private static FeatureLayout LayoutOf(DeviceBundle bundle)
    {
        var layers = bundle.Manifest.PatchFeatures?.Layers ?? [];
        var (stage2, stage3) = PatchFeatureReader.StageLayers(layers, bundle);
        return new FeatureLayout(
            new FeatureMapShape(layers[stage2].Channels, layers[stage2].Height, layers[stage2].Width),
            new FeatureMapShape(layers[stage3].Channels, layers[stage3].Height, layers[stage3].Width));
    }

    // Good images, then defects, each run through the backbone as the fit asks for it; counts[0] and [1] count them.
    // The backbone session is released as soon as the last image is read, before the coreset needs its memory.
    private IEnumerable<AnomalySample> Read(ImageFolderDataset good, ImageFolderDataset? defects, IProgress<AnomalyFitProgress>? progress, int[] counts, List<string> goodPaths, CancellationToken cancellationToken)
    {
        // A second backbone session beside the inspection's would cost its weights, prepacked kernels and arena
        // (docs/benchmarks.md, peak RSS in anomaly mode): borrow the running one when it has the maps.
        using var reader = shared is { HasPatchMaps: true } ? new PatchFeatureReader(shared, LayoutOf(bundle)) : new PatchFeatureReader(bundle, backbone);
        var total = good.Entries.Count + (defects?.Entries.Count ?? 0);
        foreach (var features in reader.ReadEach(good, progress, total, 0, skipGoodFolder: false, goodPaths, cancellationToken))
        {
            counts[0]++;
            yield return new AnomalySample(features, IsDefect: false);
        }

        if (defects is null)
        {
            yield break;
        }

        foreach (var features in reader.ReadEach(defects, progress, total, counts[0], skipGoodFolder: true, cancellationToken))
        {
            counts[1]++;
            yield return new AnomalySample(features, IsDefect: true);
        }
    }
}
