using EdgeTransfer.Artifacts.Bundles;
using EdgeTransfer.Artifacts.Manifest;
using EdgeTransfer.Imaging.Datasets;
using EdgeTransfer.Preparation;
using EdgeTransfer.Runtime.Anomaly;
using EdgeTransfer.Runtime.Features;
using EdgeTransfer.Runtime.Loading;
using static System.FormattableString;

namespace EdgeTransfer.Benchmarks.Anomaly;

/// <summary>
/// <c>edgetransfer bench anomaly</c>: normal-only anomaly detection on a folder in the MVTec AD layout, per
/// category and mean — image and pixel AUROC, F1 and false rejects at the fitted threshold, fit seconds,
/// scoring ms per frame beside the backbone's ms in the same run, bank bytes — for the INT8 and the float
/// backbone, the device default bank against the exact full bank, and 1, 4, 16 and all good images.
/// </summary>
/// <remarks>
/// Each backbone runs once per image (batch 1, the device's settings); the feature maps are kept and every
/// bank configuration and shot count is fitted and scored on the same maps, so the figures differ only by
/// what they compare. Without a bundle one is prepared here from the ResNet18 that ships with EdgeTransfer,
/// calibrated on synthetic parts as <c>prepare</c> does without a folder: a device's bundle is prepared before
/// any of its good parts exist, so the INT8 figures are those a device would get.
/// </remarks>
public static class AnomalyBenchmark
{
    /// <summary>Runs the benchmark.</summary>
    /// <param name="options">What to measure.</param>
    /// <param name="log">Progress lines (to standard error); none when null.</param>
    /// <param name="cancellationToken">Stops between images.</param>
    /// <returns>The figures.</returns>
    /// <exception cref="EdgeTransferException">A bad option or data folder, a bundle without patch features, an ORT failure.</exception>
    public static AnomalyBenchmarkReport Run(AnomalyBenchmarkOptions options, Action<string>? log = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        log ??= _ => { };
        var machine = MachineInfo.Detect();
        var dataset = MvtecDataset.Open(options.DataDirectory);
        var notes = new List<string>();
        notes.AddRange(dataset.Skipped.Select(s => $"skipped {s.Path}: {s.Reason}"));
        using var work = new WorkDirectory();
        var directory = options.BundlePath;
        if (directory is null)
        {
            log($"preparing a ResNet18 bundle with float and INT8 backbones and patch layers ({options.CalibrationImages} synthetic calibration images) …");
            directory = work.Combine("bundle");
            BundlePreparer.Prepare(new PrepareOptions
            {
                Classes = ["good", "defect"],
                OutputDirectory = directory,
                Quantize = new QuantizeOptions { MaxImages = options.CalibrationImages, KeepFloat = true },
            });
        }

        var threads = options.Threads == 0 ? Environment.ProcessorCount : options.Threads;
        var configurations = new List<BankConfiguration> { BankConfiguration.DeviceDefault(threads, options.CoresetRows) };
        if (options.FullBank)
        {
            configurations.Add(BankConfiguration.FullBank(threads));
        }

        var runs = new List<AnomalyRunResult>();
        FitTiming? fitTiming = null;
        var roles = BundleReader.Open(directory);
        foreach (var (name, role, choice) in new[] { ("int8", BundleRoles.BackboneInt8, BackboneChoice.Quantized), ("float", BundleRoles.Backbone, BackboneChoice.FullPrecision) })
        {
            if (!roles.TryGetPath(role, out _))
            {
                notes.Add($"the bundle has no {name} backbone: its figures are missing (prepare with --quantize int8, keeping the float backbone).");
                continue;
            }

            var bundle = DeviceBundle.Open(directory, choice);
            using var session = bundle.CreateBackbone(new BackboneOptions { IntraOpThreads = options.Threads }, withPatchMaps: true);
            session.WarmUp();
            var preprocessor = bundle.CreatePreprocessor();

            // The device's ONNX scoring graph, timed beside the managed code on the same models (bundles prepared
            // before it have none: only the managed figures then).
            Func<AnomalyModel, IPatchDistances>? graph = roles.TryGetPath(BundleRoles.AnomalyScoring, out _) ? m => bundle.CreatePatchDistances(m, threads) : null;
            foreach (var category in dataset.Categories)
            {
                log($"{name}: extracting the feature maps of '{category.Name}' ({Math.Min(category.TrainGood.Count, options.Shots.Max())} good training and {category.Test.Count} test images) …");
                var features = CategoryFeatures.Extract(category, session, preprocessor, options.Shots.Max(), cancellationToken);
                notes.AddRange(category.Skipped.Select(s => $"{category.Name}: skipped {s.Path}: {s.Reason}"));
                if (features.Train.Count >= 2)
                {
                    // How far this plant's most alike good parts are from the share under which a fit sets one aside as a copy.
                    var closest = CopyDetector.Closest(features.Train);
                    notes.Add(Invariant($"{name}: '{category.Name}': the two most alike of its {features.Train.Count} good training images (numbers {closest.First} and {closest.Second} in file order, from 0) differ by {closest.Distance:P1}; a fit sets a good part aside as a copy below {CopyDetector.MaxRelativeDistance:P0}."));
                }
                foreach (var shots in options.Shots)
                {
                    foreach (var configuration in configurations)
                    {
                        log($"{name}: '{category.Name}', {AnomalyBenchmarkOptions.ShotsLabel(shots)} good images, {configuration.Name} bank …");
                        runs.Add(BankEvaluation.Evaluate(name, configuration, category.Name, shots, features, threads, preprocessor.Input.Height, graph, cancellationToken));
                    }
                }

                if (fitTiming is null && name == "int8" && options.FitTimingParts >= 2)
                {
                    log($"{name}: timing a device-default fit from {options.FitTimingParts} good parts …");
                    fitTiming = FitTiming.Measure(features.Train, options.FitTimingParts, configurations[0], cancellationToken);
                }
            }
        }

        if (runs.Any(r => !r.HasThreshold))
        {
            notes.Add("1 good image: no threshold (the fit scores each image against a bank of the others, so it needs two), so F1 and false rejects are not given; the bank is that image's, built as the fitter builds it.");
        }

        return new AnomalyBenchmarkReport(machine, MachineInfo.ReadLoadAverage(), roles.Manifest.BundleId, options.BundlePath is null, threads, configurations, runs, fitTiming, notes);
    }
}
