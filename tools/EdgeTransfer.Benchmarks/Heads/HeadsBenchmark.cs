using System.Diagnostics;
using EdgeTransfer.Artifacts.Bundles;
using EdgeTransfer.Artifacts.Manifest;
using EdgeTransfer.Imaging.Augmentation;
using EdgeTransfer.Imaging.Datasets;
using EdgeTransfer.Preparation;
using EdgeTransfer.Runtime.Features;
using EdgeTransfer.Runtime.Loading;
using EdgeTransfer.Training;
using EdgeTransfer.Training.Recipes;

namespace EdgeTransfer.Benchmarks.Heads;

/// <summary>
/// <c>edgetransfer bench heads</c>: head recipes from 1 to 100 labelled parts per class on an ImageFolder with
/// train/ and test/ — for each method, k and seed, k parts per class are drawn from train/, the head is trained and
/// its accuracy measured on all of test/; mean ± std over seeds and training seconds, on INT8 and float features.
/// </summary>
/// <remarks>
/// Each backbone runs once per image; every method then trains on the same features. The methods: the device's
/// default recipe (chosen by validation), the prototypes alone, the device's previous recipe, logistic regression
/// with cross-validated C on float features (the baseline of the targets), and the device path itself (store →
/// on-device trainer with its split and quality gate → head in service). Without a bundle one is prepared here with
/// the folder's classes from the ResNet18 that ships with EdgeTransfer, calibrated on synthetic parts.
/// </remarks>
public static class HeadsBenchmark
{
    /// <summary>Runs the benchmark.</summary>
    /// <param name="options">What to measure.</param>
    /// <param name="log">Progress lines (to standard error); none when null.</param>
    /// <param name="cancellationToken">Stops between images and runs.</param>
    /// <returns>The figures.</returns>
    /// <exception cref="EdgeTransferException">A bad option or data folder, a bundle whose classes are not the folder's, an ORT failure.</exception>
    public static HeadsBenchmarkReport Run(HeadsBenchmarkOptions options, Action<string>? log = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        log ??= _ => { };
        var machine = MachineInfo.Detect();
        var trainDirectory = Path.Combine(options.DataDirectory, "train");
        var classes = ImageFolderDataset.Open(trainDirectory).ClassNames;
        using var work = new WorkDirectory();
        var directory = options.BundlePath;
        if (directory is null)
        {
            log($"preparing a ResNet18 bundle for {classes.Count} classes with float and INT8 backbones ({options.CalibrationImages} synthetic calibration images) …");
            directory = work.Combine("bundle");
            BundlePreparer.Prepare(new PrepareOptions
            {
                Classes = classes,
                OutputDirectory = directory,
                PatchLayers = "none",
                Quantize = new QuantizeOptions { MaxImages = options.CalibrationImages, KeepFloat = true },
            });
        }

        var notes = new List<string>();
        var runs = new List<HeadsRun>();
        var runtime = new RuntimeOptions();
        var roles = BundleReader.Open(directory);
        if (!roles.Manifest.Classes.SequenceEqual(classes, StringComparer.Ordinal))
        {
            throw new InvalidSettingException("--bundle", $"the bundle's classes ({string.Join(", ", roles.Manifest.Classes)}) are not the folder's ({string.Join(", ", classes)}); prepare a bundle with --classes {string.Join(',', classes)} or leave --bundle out.");
        }

        foreach (var (name, role, choice) in new[] { ("int8", BundleRoles.BackboneInt8, BackboneChoice.Quantized), ("float", BundleRoles.Backbone, BackboneChoice.FullPrecision) })
        {
            if (!roles.TryGetPath(role, out _))
            {
                notes.Add($"the bundle has no {name} backbone: its figures are missing.");
                continue;
            }

            var bundle = DeviceBundle.Open(directory, choice);
            ImageFeatures train, test;
            using (var session = bundle.CreateBackbone(new BackboneOptions { IntraOpThreads = options.Threads }))
            {
                var preprocessor = bundle.CreatePreprocessor();
                log($"{name}: extracting features of train/ and test/ …");
                var augmenter = options.Augmentation is { } augmentation ? new FrameAugmenter(augmentation) : null;
                train = ImageFeatures.Extract(trainDirectory, classes, session, preprocessor, augmenter, cancellationToken);
                test = ImageFeatures.Extract(Path.Combine(options.DataDirectory, "test"), classes, session, preprocessor, null, cancellationToken);
            }

            notes.AddRange(train.Skipped.Concat(test.Skipped).Select(s => $"{name}: skipped {s.Path}: {s.Reason}").Distinct());
            var methods = new HeadMethods(bundle.Bundle, role, runtime, work);
            var testSet = test.ToFeatureSet();
            foreach (var shots in options.Shots)
            {
                for (var seed = 0; seed < options.Seeds; seed++)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    log($"{name}: k={shots}, seed {seed} …");
                    var data = train.Draw(shots, classes.Count, seed);
                    runs.Add(Measure("recipe", name, shots, seed, testSet, () => methods.Recipe(data, null, seed)));
                    (FeatureSet? augmented, long[]? parts) = train.Views > 0 ? train.DrawWithViews(shots, classes.Count, seed) : (null, null);
                    if (augmented is not null)
                    {
                        runs.Add(Measure("recipe+aug", name, shots, seed, testSet, () => methods.Recipe(augmented, parts, seed)));
                    }

                    runs.Add(Measure("prototype", name, shots, seed, testSet, () => methods.Prototype(data, seed)));
                    runs.Add(Measure("previous", name, shots, seed, testSet, () => methods.Previous(data, seed)));
                    if (name == "float")
                    {
                        runs.Add(Measure("lr-cv", name, shots, seed, testSet, () => methods.LogisticRegression(data, seed)));
                    }
                    else if (options.DevicePath)
                    {
                        runs.Add(methods.Device(data, null, testSet, "device", name, shots, seed));
                        if (augmented is not null)
                        {
                            runs.Add(methods.Device(augmented, parts, testSet, "device+aug", name, shots, seed));
                        }
                    }
                }
            }
        }

        return new HeadsBenchmarkReport(machine, MachineInfo.ReadLoadAverage(), roles.Manifest.BundleId, options.BundlePath is null, classes, runs, notes);
    }

    private static HeadsRun Measure(string method, string backbone, int shots, int seed, FeatureSet test, Func<(LinearHead Head, string Detail)> fit)
    {
        var started = Stopwatch.GetTimestamp();
        var (head, detail) = fit();
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        return new HeadsRun(method, backbone, shots, seed, head.Score(test).Accuracy, seconds, detail);
    }
}
