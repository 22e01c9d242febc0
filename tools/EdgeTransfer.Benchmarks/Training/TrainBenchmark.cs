using System.Diagnostics;
using EdgeTransfer.Onnx.Heads;
using EdgeTransfer.Training;
using Google.Protobuf;

namespace EdgeTransfer.Benchmarks.Training;

/// <summary>
/// <c>edgetransfer bench train</c>: times <c>HeadTrainer.Train</c> end to end on cached feature vectors,
/// for several thread/spinning settings, against the same training written as a plain C# loop
/// (<see cref="PlainAdamWTrainer"/>) in the same run. Session creation is timed apart: a device creates the
/// trainer once per training run, but the issue's budget is about the training itself.
/// </summary>
public static class TrainBenchmark
{
    /// <summary>Runs the benchmark.</summary>
    /// <param name="options">What to measure; validated first.</param>
    /// <param name="log">Progress lines; may be null.</param>
    /// <param name="cancellationToken">Checked between runs.</param>
    /// <returns>The figures and the target of issue 4.</returns>
    /// <exception cref="InvalidSettingException">An option cannot be used (named in the message).</exception>
    public static TrainReport Run(TrainBenchmarkOptions options, Action<string>? log = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var head = TrainBenchmarkOptionsValidator.Validate(options);
        log ??= _ => { };
        var machine = MachineInfo.Detect();
        var data = SyntheticFeatures.Create(options.Samples, options.FeatureSize, options.Classes, options.Seed);
        var optimizer = OptimizerSettings.AdamW(options.LearningRate);
        var start = InitialHead.Create(head, options.FeatureSize, options.Classes, options.Seed, optimizer);
        var trainGraph = HeadGraphs.Training(head, options.FeatureSize, options.Classes).ToByteArray();
        var optimizerGraph = HeadGraphs.Optimizer(head, optimizer, options.FeatureSize, options.Classes).ToByteArray();

        // The judged setting first, then the comparison the SDK's default rests on: 1 vs 2 threads, spinning off vs on.
        var settings = new List<(int Threads, bool Spinning)> { (options.Threads, false) };
        foreach (var s in new[] { (1, false), (2, false), (2, true) })
        {
            if (!settings.Contains(s))
            {
                settings.Add(s);
            }
        }

        var hasBaseline = head.Kind == Artifacts.Manifest.HeadKind.Linear;
        var cells = settings.Count + (hasBaseline ? 1 : 0);
        var train = Enumerable.Range(0, cells).Select(_ => new List<double>()).ToArray();
        var setup = Enumerable.Range(0, cells).Select(_ => new List<double>()).ToArray();
        var steps = new long[cells];
        var finalLoss = new double[cells];
        IReadOnlyList<double>? ortLosses = null;
        IReadOnlyList<double>? plainLosses = null;

        HeadTrainerOptions TrainerOptions(int threads, bool spinning) => new()
        {
            BatchSize = options.BatchSize,
            Epochs = options.Epochs,
            Seed = options.Seed,
            LearningRate = options.LearningRate,
            Runtime = new RuntimeOptions { IntraOpThreads = threads, AllowSpinning = spinning },
        };

        void RunCell(int cell)
        {
            if (cell < settings.Count)
            {
                var (threads, spinning) = settings[cell];
                var t0 = Stopwatch.GetTimestamp();
                using var trainer = new HeadTrainer(trainGraph, optimizerGraph, start, TrainerOptions(threads, spinning));
                var t1 = Stopwatch.GetTimestamp();
                var summary = trainer.Train(data, cancellationToken: cancellationToken);
                train[cell].Add(Stopwatch.GetElapsedTime(t1).TotalSeconds);
                setup[cell].Add(Stopwatch.GetElapsedTime(t0, t1).TotalSeconds);
                steps[cell] = summary.Steps;
                finalLoss[cell] = summary.FinalLoss;
                ortLosses ??= cell == 0 ? summary.EpochLosses : null;
            }
            else
            {
                var t0 = Stopwatch.GetTimestamp();
                var plain = new PlainAdamWTrainer(start, optimizer);
                var t1 = Stopwatch.GetTimestamp();
                var losses = plain.Train(data, TrainerOptions(1, false));
                train[cell].Add(Stopwatch.GetElapsedTime(t1).TotalSeconds);
                setup[cell].Add(Stopwatch.GetElapsedTime(t0, t1).TotalSeconds);
                steps[cell] = (long)options.Epochs * ((options.Samples + Math.Min(options.BatchSize, options.Samples) - 1) / Math.Min(options.BatchSize, options.Samples));
                finalLoss[cell] = losses[^1];
                plainLosses ??= losses;
            }
        }

        // One untimed round: JIT, ORT's first-run allocations and the CPU's caches must not land in the first repeat.
        log($"warm-up    one untimed run of each of {cells} configurations …");
        for (var cell = 0; cell < cells; cell++)
        {
            RunCell(cell);
        }

        foreach (var list in train.Concat(setup))
        {
            list.Clear();
        }

        for (var r = 0; r < options.Repeats; r++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            log($"repeat     {r + 1}/{options.Repeats}");
            // Rotate the order every repeat, so no configuration always runs right after the same neighbour.
            for (var k = 0; k < cells; k++)
            {
                RunCell((k + r) % cells);
            }
        }

        var configurations = new List<TrainConfiguration>();
        for (var cell = 0; cell < cells; cell++)
        {
            var name = cell < settings.Count
                ? $"ORT, {settings[cell].Threads} thread{(settings[cell].Threads == 1 ? string.Empty : "s")}, spinning {(settings[cell].Spinning ? "on" : "off")}"
                : "plain C# loop (baseline)";
            configurations.Add(new TrainConfiguration(
                name,
                cell < settings.Count ? settings[cell].Threads : 0,
                cell < settings.Count && settings[cell].Spinning,
                TimingStatistics.From(train[cell]),
                TimingStatistics.From(setup[cell]),
                steps[cell],
                finalLoss[cell]));
        }

        var maxDifference = ortLosses is not null && plainLosses is not null
            ? ortLosses.Zip(plainLosses, (a, b) => Math.Abs(a - b)).Max()
            : double.NaN;
        return new TrainReport
        {
            Machine = machine,
            LoadAverageAtEnd = MachineInfo.ReadLoadAverage(),
            Samples = options.Samples,
            Epochs = options.Epochs,
            BatchSize = options.BatchSize,
            Head = head.ToString(),
            Classes = options.Classes,
            FeatureSize = options.FeatureSize,
            Repeats = options.Repeats,
            Configurations = configurations,
            MaxLossDifference = maxDifference,
        };
    }
}
