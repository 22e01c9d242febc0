using System.CommandLine;
using EdgeTransfer.Benchmarks.Backbone;
using EdgeTransfer.Benchmarks.Fleet;
using EdgeTransfer.Benchmarks.Pipeline;
using EdgeTransfer.Benchmarks.Training;

namespace EdgeTransfer.Cli.Commands;

/// <summary><c>edgetransfer bench backbone|train|pipeline</c>: the benchmarks whose figures the README quotes, each against a baseline in the same run.</summary>
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
        var runs = new Option<int>("--runs") { Description = "Timed runs per backbone, batch size and spinning setting (issue 3 asks for at least 20).", DefaultValueFactory = _ => defaults.Runs };
        var warmup = new Option<int>("--warmup") { Description = "Untimed runs before timing.", DefaultValueFactory = _ => defaults.Warmup };
        var threads = new Option<int>("--threads") { Description = "ONNX Runtime intra-op threads.", DefaultValueFactory = _ => defaults.Threads };
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
        var calibration = new Option<int>("--calibration-images") { Description = "Train images to calibrate the int8 ranges on (never test images).", DefaultValueFactory = _ => defaults.CalibrationImages };
        var trainPerClass = new Option<int>("--train-per-class") { Description = "Synthetic data only: train images per class.", DefaultValueFactory = _ => defaults.SyntheticTrainPerClass };
        var testPerClass = new Option<int>("--test-per-class") { Description = "Synthetic data only: test images per class.", DefaultValueFactory = _ => defaults.SyntheticTestPerClass };
        var headEpochs = new Option<int>("--head-epochs") { Description = "Epochs of the linear heads trained on float and on int8 features.", DefaultValueFactory = _ => defaults.HeadEpochs };
        var seed = new Option<int>("--seed") { Description = "Seed of the synthetic images and the heads.", DefaultValueFactory = _ => defaults.Seed };
        var json = new Option<bool>("--json") { Description = "Write one JSON object (machine, figures, targets, met/missed) instead of the tables." };

        var command = new Command("backbone", "Float vs int8 backbone in one run: ms/image at batch 1 and 8 (interleaved), speed-up, feature cosine, file sizes, linear-head accuracy.")
        {
            model, spec, data, runs, warmup, threads, spinning, calibration, trainPerClass, testPerClass, headEpochs, seed, json,
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
            };

            // Progress goes to standard error, so standard output holds only the table or the JSON.
            var report = BackboneBenchmark.Run(options, console.Error.WriteLine, cancellationToken);
            if (parse.GetValue(json))
            {
                console.Out.WriteLine(report.ToJson());
            }
            else
            {
                report.WriteTable(console.Out);
            }

            return Task.FromResult(ExitCodes.Success);
        });
        return command;
    }

    private static Command Train(CliConsole console)
    {
        var defaults = new TrainBenchmarkOptions();
        var samples = new Option<int>("--samples") { Description = "Cached feature vectors to train on.", DefaultValueFactory = _ => defaults.Samples };
        var epochs = new Option<int>("--epochs") { Description = "Epochs per run.", DefaultValueFactory = _ => defaults.Epochs };
        var batch = new Option<int>("--batch") { Description = "Samples per optimizer step.", DefaultValueFactory = _ => defaults.BatchSize };
        var head = new Option<string>("--head") { Description = "'linear' or 'mlp:<hidden>' (the plain C# baseline exists for 'linear' only).", DefaultValueFactory = _ => defaults.Head };
        var threads = new Option<int>("--threads") { Description = "ORT intra-op threads of the configuration the target is judged on (1, 2 and spinning are always compared too).", DefaultValueFactory = _ => defaults.Threads };
        var repeats = new Option<int>("--repeats") { Description = "Runs per configuration; the median is reported.", DefaultValueFactory = _ => defaults.Repeats };
        var classes = new Option<int>("--classes") { Description = "Number of classes.", DefaultValueFactory = _ => defaults.Classes };
        var featureSize = new Option<int>("--feature-size") { Description = "Length of a feature vector (ResNet18: 512).", DefaultValueFactory = _ => defaults.FeatureSize };
        var seed = new Option<int>("--seed") { Description = "Seed of the features, the initial head and the shuffling.", DefaultValueFactory = _ => defaults.Seed };
        var json = new Option<bool>("--json") { Description = "Write one JSON object (machine, figures, target, met/missed) instead of the tables." };

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
            if (parse.GetValue(json))
            {
                console.Out.WriteLine(report.ToJson());
            }
            else
            {
                report.WriteTable(console.Out);
            }

            return Task.FromResult(ExitCodes.Success);
        });
        return command;
    }

    private static Command Pipeline(CliConsole console)
    {
        var defaults = new PipelineBenchmarkOptions();
        var bundle = new Option<string?>("--bundle") { Description = "A prepared bundle with an INT8 backbone. Default: one prepared in a scratch folder (ResNet18, 16 synthetic calibration images)." };
        var frames = new Option<int>("--frames") { Description = "Timed frames.", DefaultValueFactory = _ => defaults.Frames };
        var warmup = new Option<int>("--warmup") { Description = "Untimed frames before timing.", DefaultValueFactory = _ => defaults.Warmup };
        var quality = new Option<int>("--jpeg-quality") { Description = "JPEG quality of the generated 640×480 frames.", DefaultValueFactory = _ => defaults.JpegQuality };
        var threads = new Option<int>("--threads") { Description = "ORT intra-op threads of the backbone (0: one per core, the device's default).", DefaultValueFactory = _ => defaults.Threads };
        var seed = new Option<int>("--seed") { Description = "Seed of the synthetic parts.", DefaultValueFactory = _ => defaults.Seed };
        var json = new Option<bool>("--json") { Description = "Write one JSON object (machine, stages, ratio, target, met/missed) instead of the tables." };
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
            if (parse.GetValue(json))
            {
                console.Out.WriteLine(report.ToJson());
            }
            else
            {
                report.WriteTable(console.Out);
            }

            return Task.FromResult(ExitCodes.Success);
        });
        return command;
    }

    private static Command Fleet(CliConsole console)
    {
        var defaults = new FleetBenchmarkOptions();
        var devices = new Option<int>("--devices") { Description = "Simulated devices, each its own MQTT client (device role).", DefaultValueFactory = _ => defaults.Devices };
        var rate = new Option<double>("--rate") { Description = "Telemetry messages per second per device (QoS 1).", DefaultValueFactory = _ => defaults.Rate };
        var seconds = new Option<double>("--seconds") { Description = "Seconds of sending.", DefaultValueFactory = _ => defaults.Seconds };
        var broker = new Option<string?>("--broker") { Description = "An external broker as host:port. Default: spawn /usr/sbin/mosquitto on a free loopback port, else the embedded broker (the output says which)." };
        var embedded = new Option<bool>("--embedded") { Description = "Use the embedded MQTTnet broker even where Mosquitto is installed." };
        var consumers = new Option<int>("--consumers") { Description = "Fleet consumers; more than one share the subscription (MQTT 5 §4.8.2).", DefaultValueFactory = _ => defaults.Consumers };
        var share = new Option<string?>("--share") { Description = "The shared-subscription group (default 'bench' with --consumers > 1)." };
        var connectParallel = new Option<int>("--connect-parallel") { Description = "Connects in flight during the ramp-up.", DefaultValueFactory = _ => defaults.ConnectParallel };
        var baseline = new Option<double>("--baseline-seconds") { Description = "Seconds of the baseline (one client, same total rate); 0 skips it.", DefaultValueFactory = _ => defaults.BaselineSeconds };
        var drain = new Option<double>("--drain-seconds") { Description = "Seconds to wait for the last messages after sending.", DefaultValueFactory = _ => defaults.DrainSeconds };
        var json = new Option<bool>("--json") { Description = "Write one JSON object (machine, phases, ratio, targets) instead of the tables." };
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
            if (parse.GetValue(json))
            {
                console.Out.WriteLine(report.ToJson());
            }
            else
            {
                report.WriteTable(console.Out);
            }

            return ExitCodes.Success;
        });
        return command;
    }
}
