using System.CommandLine;
using EdgeTransfer.Benchmarks.Anomaly;
using EdgeTransfer.Benchmarks.Heads;
using EdgeTransfer.Benchmarks.Backbone;
using EdgeTransfer.Benchmarks.Fleet;
using EdgeTransfer.Benchmarks.Numerics;
using EdgeTransfer.Benchmarks.Pipeline;
using EdgeTransfer.Benchmarks.Training;
using EdgeTransfer.Onnx.Quantization;

namespace EdgeTransfer.Cli.Commands;

/// <summary><c>edgetransfer bench backbone|train|pipeline|fleet|anomaly|heads|numerics|fuzz</c>: the benchmarks whose figures the README quotes, each against a baseline in the same run.</summary>
internal static class BenchCommand
{
    public static Command Create(CliConsole console)
    {
        var command = new Command("bench", "Measure on this machine, against a baseline in the same run; prints the machine with the figures.")
        {
            Backbone(console),
            Train(console),
            Pipeline(console),
            Fleet(console),
            Anomaly(console),
            Heads(console),
            Numerics(console),
            BenchFuzzCommand.Create(console),
        };
        return command;
    }

    private static Command Backbone(CliConsole console)
    {
        var defaults = new BackboneBenchmarkOptions();
        var model = new Option<string?>("--model", "-m")
        {
            Description = "Pretrained ONNX model file, or a folder holding it with its spec.json. Default: the ResNet18 that ships with EdgeTransfer.",
        };
        var spec = new Option<string?>("--spec") { Description = "Preprocessing spec (JSON). Default: spec.json beside the model." };
        var data = new Option<string?>("--data")
        {
            Description = "Folder with train/ and test/ ImageFolder trees (<split>/<class>/*.png). Default: synthetic parts generated into a temporary folder.",
        };
        var runs = Defaulted<int>("--runs", "Timed runs per backbone, batch size and spinning setting (issue 3 asks for at least 20).", defaults.Runs);
        var warmup = Defaulted<int>("--warmup", "Untimed runs before timing.", defaults.Warmup);
        var threads = Defaulted<int>("--threads", "ONNX Runtime intra-op threads.", defaults.Threads);
        var spinning = new Option<string>("--spinning")
        {
            Description = "ORT thread spinning to time: 'off' (allow_spinning=0, the SDK's setting), 'on' (ORT's default) or 'both'.",
            DefaultValueFactory = _ => "off",
        };
        // Not AcceptOnlyFromAmong: its message does not name the option, and a technician needs to know which one.
        spinning.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<string>();
            if (value is not ("off" or "on" or "both"))
            {
                result.AddError($"--spinning: expected 'off', 'on' or 'both', got '{value}'.");
            }
        });
        var calibration = Defaulted<int>("--calibration-images", "Train images to calibrate the int8 ranges on (never test images).", defaults.CalibrationImages);
        var trainPerClass = Defaulted<int>("--train-per-class", "Synthetic data only: train images per class.", defaults.SyntheticTrainPerClass);
        var testPerClass = Defaulted<int>("--test-per-class", "Synthetic data only: test images per class.", defaults.SyntheticTestPerClass);
        var headEpochs = Defaulted<int>("--head-epochs", "Epochs of the linear heads trained on float and on int8 features.", defaults.HeadEpochs);
        var seed = Defaulted<int>("--seed", "Seed of the synthetic images and the heads.", defaults.Seed);
        var int4 = Defaulted<long>("--int4-min-weights", "Conv weights with at least this many values get 4-bit weights in the int8 backbone (ResNet18's 512×512×3×3: 2359296); 0 for none.", defaults.Int4MinWeightCount);
        var rounding = Defaulted<string>("--int4-rounding", "Scales of 4-bit weights: 'nearest' or 'mse' (squared-error search).", "nearest");
        var groups = Defaulted<int>("--int4-group-size", "4-bit weights in runs of this many values share a step (a multiple 1–16 of the channel scale); 0 for one step per channel.", defaults.Int4GroupSize);
        var json = JsonOption("machine, figures, targets, met/missed");

        var command = new Command("backbone", "Float vs int8 backbone in one run: ms/image at batch 1 and 8 (interleaved), speed-up, feature cosine, file sizes, linear-head accuracy.")
        {
            model, spec, data, runs, warmup, threads, spinning, calibration, trainPerClass, testPerClass, headEpochs, seed, int4, rounding, groups, json,
        };
        command.SetAction((parse, cancellationToken) =>
        {
            var options = new BackboneBenchmarkOptions
            {
                ModelPath = parse.GetValue(model),
                SpecPath = parse.GetValue(spec),
                DataDirectory = parse.GetValue(data),
                Runs = parse.GetValue(runs),
                Warmup = parse.GetValue(warmup),
                Threads = parse.GetValue(threads),
                Spinning = parse.GetValue(spinning) switch { "on" => SpinningMode.On, "both" => SpinningMode.Both, _ => SpinningMode.Off },
                CalibrationImages = parse.GetValue(calibration),
                SyntheticTrainPerClass = parse.GetValue(trainPerClass),
                SyntheticTestPerClass = parse.GetValue(testPerClass),
                HeadEpochs = parse.GetValue(headEpochs),
                Seed = parse.GetValue(seed),
                Int4MinWeightCount = parse.GetValue(int4),
                Int4GroupSize = parse.GetValue(groups),
                Int4Rounding = parse.GetValue(rounding) switch
                {
                    "mse" => WeightRounding.MseScale,
                    "nearest" => WeightRounding.Nearest,
                    var other => throw new InvalidSettingException("--int4-rounding", $"expected 'mse' or 'nearest', got '{other}'."),
                },
            };

            // Progress goes to standard error, so standard output holds only the table or the JSON.
            var report = BackboneBenchmark.Run(options, console.Error.WriteLine, cancellationToken);
            return Task.FromResult(WriteReport(console, parse.GetValue(json), report.ToJson, report.WriteTable));
        });
        return command;
    }

    private static Command Train(CliConsole console)
    {
        var defaults = new TrainBenchmarkOptions();
        var samples = Defaulted<int>("--samples", "Cached feature vectors to train on.", defaults.Samples);
        var epochs = Defaulted<int>("--epochs", "Epochs per run.", defaults.Epochs);
        var batch = Defaulted<int>("--batch", "Samples per optimizer step.", defaults.BatchSize);
        var head = Defaulted<string>("--head", "'linear' or 'mlp:<hidden>' (the plain C# baseline exists for 'linear' only).", defaults.Head);
        var threads = Defaulted<int>("--threads", "ORT intra-op threads of the configuration the target is judged on (1, 2 and spinning are always compared too).", defaults.Threads);
        var repeats = Defaulted<int>("--repeats", "Runs per configuration; the median is reported.", defaults.Repeats);
        var classes = Defaulted<int>("--classes", "Number of classes.", defaults.Classes);
        var featureSize = Defaulted<int>("--feature-size", "Length of a feature vector (ResNet18: 512).", defaults.FeatureSize);
        var seed = Defaulted<int>("--seed", "Seed of the features, the initial head and the shuffling.", defaults.Seed);
        var json = JsonOption("machine, figures, target, met/missed");

        var command = new Command("train", "Head training through ORT on cached features vs the same training as a plain C# loop: s/run, steps/s, µs/step; 1 vs 2 threads, spinning off/on.")
        {
            samples, epochs, batch, head, threads, repeats, classes, featureSize, seed, json,
        };
        command.SetAction((parse, cancellationToken) =>
        {
            var options = new TrainBenchmarkOptions
            {
                Samples = parse.GetValue(samples),
                Epochs = parse.GetValue(epochs),
                BatchSize = parse.GetValue(batch),
                Head = parse.GetValue(head)!,
                Threads = parse.GetValue(threads),
                Repeats = parse.GetValue(repeats),
                Classes = parse.GetValue(classes),
                FeatureSize = parse.GetValue(featureSize),
                Seed = parse.GetValue(seed),
            };
            var report = TrainBenchmark.Run(options, console.Error.WriteLine, cancellationToken);
            return Task.FromResult(WriteReport(console, parse.GetValue(json), report.ToJson, report.WriteTable));
        });
        return command;
    }

    private static Command Pipeline(CliConsole console)
    {
        var defaults = new PipelineBenchmarkOptions();
        var bundle = new Option<string?>("--bundle") { Description = "A prepared bundle with an INT8 backbone. Default: one prepared in a scratch folder (ResNet18, 16 synthetic calibration images)." };
        var frames = Defaulted<int>("--frames", "Timed frames.", defaults.Frames);
        var warmup = Defaulted<int>("--warmup", "Untimed frames before timing.", defaults.Warmup);
        var quality = Defaulted<int>("--jpeg-quality", "JPEG quality of the generated 640×480 frames.", defaults.JpegQuality);
        var threads = Defaulted<int>("--threads", "ORT intra-op threads of the backbone (0: one per core, the device's default).", defaults.Threads);
        var seed = Defaulted<int>("--seed", "Seed of the synthetic parts.", defaults.Seed);
        var json = JsonOption("machine, stages, ratio, target, met/missed");
        var command = new Command("pipeline", "Per-stage latency of one inspection of a 640×480 JPEG: decode, resize, normalise, int8 backbone, head (p50/p95/p99); preprocessing / backbone ratio.")
        {
            bundle, frames, warmup, quality, threads, seed, json,
        };
        command.SetAction((parse, cancellationToken) =>
        {
            var options = new PipelineBenchmarkOptions
            {
                BundlePath = parse.GetValue(bundle),
                Frames = parse.GetValue(frames),
                Warmup = parse.GetValue(warmup),
                JpegQuality = parse.GetValue(quality),
                Threads = parse.GetValue(threads),
                Seed = parse.GetValue(seed),
            };
            var report = PipelineBenchmark.Run(options, console.Error.WriteLine, cancellationToken);
            return Task.FromResult(WriteReport(console, parse.GetValue(json), report.ToJson, report.WriteTable));
        });
        return command;
    }

    private static Command Fleet(CliConsole console)
    {
        var defaults = new FleetBenchmarkOptions();
        var devices = Defaulted<int>("--devices", "Simulated devices, each its own MQTT client (device role).", defaults.Devices);
        var rate = Defaulted<double>("--rate", "Telemetry messages per second per device (QoS 1).", defaults.Rate);
        var seconds = Defaulted<double>("--seconds", "Seconds of sending.", defaults.Seconds);
        var broker = new Option<string?>("--broker") { Description = "An external broker as host:port. Default: spawn /usr/sbin/mosquitto on a free loopback port, else the embedded broker (the output says which)." };
        var embedded = new Option<bool>("--embedded") { Description = "Use the embedded MQTTnet broker even where Mosquitto is installed." };
        var consumers = Defaulted<int>("--consumers", "Fleet consumers; more than one share the subscription (MQTT 5 §4.8.2).", defaults.Consumers);
        var share = new Option<string?>("--share") { Description = "The shared-subscription group (default 'bench' with --consumers > 1)." };
        var connectParallel = Defaulted<int>("--connect-parallel", "Connects in flight during the ramp-up.", defaults.ConnectParallel);
        var baseline = Defaulted<double>("--baseline-seconds", "Seconds of the baseline (one client, same total rate); 0 skips it.", defaults.BaselineSeconds);
        var drain = Defaulted<double>("--drain-seconds", "Seconds to wait for the last messages after sending.", defaults.DrainSeconds);
        var json = JsonOption("machine, phases, ratio, targets");
        var command = new Command("fleet", "N simulated devices against a broker on loopback: delivered/sent, duplicates, gaps, p50/p95/p99 end-to-end latency, connect time; ratio to one client at the same rate.")
        {
            devices, rate, seconds, broker, embedded, consumers, share, connectParallel, baseline, drain, json,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var options = new FleetBenchmarkOptions
            {
                Devices = parse.GetValue(devices),
                Rate = parse.GetValue(rate),
                Seconds = parse.GetValue(seconds),
                Broker = parse.GetValue(broker),
                Embedded = parse.GetValue(embedded),
                Consumers = parse.GetValue(consumers),
                Share = parse.GetValue(share),
                ConnectParallel = parse.GetValue(connectParallel),
                BaselineSeconds = parse.GetValue(baseline),
                DrainSeconds = parse.GetValue(drain),
            };
            var report = await FleetBenchmark.RunAsync(options, console.Error.WriteLine, cancellationToken);
            return WriteReport(console, parse.GetValue(json), report.ToJson, report.WriteTable);
        });
        return command;
    }

    private static Command Anomaly(CliConsole console)
    {
        var defaults = new AnomalyBenchmarkOptions { DataDirectory = string.Empty };
        var data = new Option<string>("--data") { Description = "A folder in the MVTec AD layout (<category>/train/good, test/<defect>, ground_truth/<defect>), or one category; 'edgetransfer synth --layout mvtec' writes one.", Required = true };
        var bundle = new Option<string?>("--bundle") { Description = "A prepared bundle with patch features (float and INT8 backbones). Default: one prepared in a scratch folder (ResNet18, INT8 calibrated on synthetic parts)." };
        var shots = Defaulted<string>("--shots", "Good training images to fit on (the first k of train/good), comma-separated; 'all' for every one.", "1,4,16,all");
        var threads = Defaulted<int>("--threads", "Threads of the backbone and of the nearest-neighbour search (0: one per core, the device's default).", defaults.Threads);
        var calibration = Defaulted<int>("--calibration-images", "Synthetic calibration images of the INT8 backbone when the bundle is prepared here.", defaults.CalibrationImages);
        var fitParts = Defaulted<int>("--fit-parts", "Good parts of the fit-time figure (training images repeated up to this count; 0 skips it).", defaults.FitTimingParts);
        var noFullBank = new Option<bool>("--no-full-bank") { Description = "Skip the exact full bank (no coreset, no projection), the slowest part of the run." };
        var coresetRows = new Option<int?>("--coreset-rows") { Description = "The coreset row cap of the device-default bank (0: no cap, 10 % of the patches), to see its price. Default: the device's (2048)." };
        var json = JsonOption("machine, runs per category, means, fit time, targets, met/missed");
        var command = new Command("anomaly", "Anomaly detection on MVTec-layout data per category and mean: image/pixel AUROC, F1 and false rejects at the fitted threshold, fit s, scoring vs backbone ms, bank bytes; int8 vs float, device default vs exact full bank, 1/4/16/all good images.")
        {
            data, bundle, shots, threads, calibration, fitParts, noFullBank, coresetRows, json,
        };
        command.SetAction((parse, cancellationToken) =>
        {
            var options = new AnomalyBenchmarkOptions
            {
                DataDirectory = parse.GetValue(data)!,
                BundlePath = parse.GetValue(bundle),
                Shots = AnomalyBenchmarkOptions.ParseShots(parse.GetValue(shots)!),
                Threads = parse.GetValue(threads),
                CalibrationImages = parse.GetValue(calibration),
                FitTimingParts = parse.GetValue(fitParts),
                FullBank = !parse.GetValue(noFullBank),
                CoresetRows = parse.GetValue(coresetRows),
            };
            var report = AnomalyBenchmark.Run(options, console.Error.WriteLine, cancellationToken);
            return Task.FromResult(WriteReport(console, parse.GetValue(json), report.ToJson, report.WriteTable));
        });
        return command;
    }

    private static Command Numerics(CliConsole console)
    {
        var defaults = new NumericsBenchmarkOptions { BundlePath = string.Empty, DataDirectory = string.Empty, Stores = [] };
        var bundle = new Option<string>("--bundle") { Description = "A bundle with both backbones (prepared without --no-float): host float is the reference, host int8 the x64 INT8.", Required = true };
        var data = new Option<string>("--data") { Description = "The images: train/<class>/ and test/<class>/, the folders the stores replayed.", Required = true };
        var stores = new Option<string[]>("--store") { Description = "name=directory: device features collected from train/ and test/ into <directory>/train and <directory>/test (repeatable).", Required = true, AllowMultipleArgumentsPerToken = false };
        var epochs = Defaulted<int>("--epochs", "Epochs of every linear head.", defaults.HeadEpochs);
        var threads = Defaulted<int>("--threads", "ORT intra-op threads of the host backbones.", defaults.Threads);
        var command = new Command("numerics", "Device INT8 features (e.g. linux-arm64 under qemu) vs the host's float and INT8 features of the same images: cosine mean/min and linear-head accuracy (tools/scripts/arm64-numerics.sh).")
        {
            bundle, data, stores, epochs, threads,
        };
        command.SetAction((parse, cancellationToken) =>
        {
            var options = new NumericsBenchmarkOptions
            {
                BundlePath = parse.GetValue(bundle)!,
                DataDirectory = parse.GetValue(data)!,
                Stores = [.. parse.GetValue(stores)!.Select(FeatureStoreSource.Parse)],
                HeadEpochs = parse.GetValue(epochs),
                Threads = parse.GetValue(threads),
            };
            var report = NumericsBenchmark.Run(options, console.Error.WriteLine);
            report.WriteTable(console.Out);
            return Task.FromResult(ExitCodes.Success);
        });
        return command;
    }

    private static Command Heads(CliConsole console)
    {
        var defaults = new HeadsBenchmarkOptions { DataDirectory = string.Empty };
        var data = new Option<string>("--data") { Description = "An ImageFolder with train/<class>/ and test/<class>/; tools/scripts/fashion-mnist-imagefolder.sh lays out a real one.", Required = true };
        var bundle = new Option<string?>("--bundle") { Description = "A prepared bundle with the folder's classes (float and INT8 backbones). Default: one prepared in a scratch folder (ResNet18, INT8 calibrated on synthetic parts)." };
        var shots = Defaulted<string>("--shots", "Parts per class to train on, drawn from train/ per seed, comma-separated.", "1,5,20,100");
        var seeds = Defaulted<int>("--seeds", "Draws per k; accuracy is mean ± std over them.", defaults.Seeds);
        var threads = Defaulted<int>("--threads", "Threads of the backbone (0: one per core).", defaults.Threads);
        var calibration = Defaulted<int>("--calibration-images", "Synthetic calibration images of the INT8 backbone when the bundle is prepared here.", defaults.CalibrationImages);
        var noDevice = new Option<bool>("--no-device-path") { Description = "Skip the device path row (sample store, on-device trainer, quality gate)." };
        var augment = Defaulted<int>("--augment", "Augmented views per training image (flip, crop, brightness; as device.json's training.augmentation) for the rows marked +aug; 0: none.", defaults.AugmentViews);
        var json = JsonOption("machine, summaries per method/backbone/k, every run, targets, met/missed");
        var command = new Command("heads", "Head recipes from 1 to 100 labelled parts per class: test accuracy mean ± std over seeds and training seconds of the device recipe, prototypes, the previous recipe, logistic regression with cross-validated C on float features, and the device path; INT8 and float features.")
        {
            data, bundle, shots, seeds, threads, calibration, noDevice, augment, json,
        };
        command.SetAction((parse, cancellationToken) =>
        {
            var options = new HeadsBenchmarkOptions
            {
                DataDirectory = parse.GetValue(data)!,
                BundlePath = parse.GetValue(bundle),
                Shots = HeadsBenchmarkOptions.ParseShots(parse.GetValue(shots)!),
                Seeds = parse.GetValue(seeds),
                Threads = parse.GetValue(threads),
                CalibrationImages = parse.GetValue(calibration),
                DevicePath = !parse.GetValue(noDevice),
                AugmentViews = parse.GetValue(augment),
            };
            var report = HeadsBenchmark.Run(options, console.Error.WriteLine, cancellationToken);
            return Task.FromResult(WriteReport(console, parse.GetValue(json), report.ToJson, report.WriteTable));
        });
        return command;
    }

    /// <summary>An option with a default value (shown in the help).</summary>
    private static Option<T> Defaulted<T>(string name, string description, T defaultValue) =>
        new(name) { Description = description, DefaultValueFactory = _ => defaultValue };

    /// <summary>The <c>--json</c> switch of a benchmark whose JSON object holds <paramref name="contents"/>.</summary>
    private static Option<bool> JsonOption(string contents) =>
        new("--json") { Description = $"Write one JSON object ({contents}) instead of the tables." };

    /// <summary>Writes a report to standard output as JSON or as tables.</summary>
    private static int WriteReport(CliConsole console, bool json, Func<string> toJson, Action<TextWriter> writeTable)
    {
        if (json)
        {
            console.Out.WriteLine(toJson());
        }
        else
        {
            writeTable(console.Out);
        }

        return ExitCodes.Success;
    }
}
