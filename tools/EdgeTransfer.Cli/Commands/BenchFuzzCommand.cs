using System.CommandLine;
using EdgeTransfer.Benchmarks;
using EdgeTransfer.Fuzzing;

namespace EdgeTransfer.Cli.Commands;

/// <summary>
/// <c>edgetransfer bench fuzz</c>: seeded mutations of valid inputs per surface (images, manifests, device.json,
/// checkpoints, anomaly models, MQTT bodies), with the figures per surface; <c>--replay</c> runs one saved input again.
/// </summary>
internal static class BenchFuzzCommand
{
    public static Command Create(CliConsole console)
    {
        var defaults = new FuzzOptions();
        var surface = new Option<string>("--surface") { Description = $"all, or some of {string.Join(", ", FuzzSurfaces.Names)} (comma-separated).", DefaultValueFactory = _ => "all" };
        var count = new Option<int>("--count") { Description = "Inputs per surface.", DefaultValueFactory = _ => 10_000 };
        var seed = new Option<int>("--seed") { Description = "The run's seed; with an iteration it regenerates a failing input.", DefaultValueFactory = _ => defaults.Seed };
        var timeLimit = new Option<double>("--time-limit") { Description = "Seconds one input may take before it counts as a hang.", DefaultValueFactory = _ => defaults.TimeLimit.TotalSeconds };
        var failures = new Option<string>("--failures") { Description = "Where failing inputs are written.", DefaultValueFactory = _ => defaults.FailureDirectory };
        var replay = new Option<string?>("--replay") { Description = "Run this one saved input (a file a failure named) through --surface and say what became of it." };
        var json = new Option<bool>("--json") { Description = "Write one JSON object (machine, figures per surface, failures) instead of the table." };
        var command = new Command("fuzz", "Mutated valid inputs per surface: inputs, successes, clear errors, failures (crash, unclear error, hang, memory over the unit's MemoryMax, stored file changed), slowest input, peak RSS.")
        {
            surface, count, seed, timeLimit, failures, replay, json,
        };
        command.SetAction((parse, cancellationToken) =>
        {
            var names = FuzzSurfaces.Select(parse.GetValue(surface)!);
            if (parse.GetValue(replay) is { } file)
            {
                return Task.FromResult(Replay(console, names, file));
            }

            var inputs = parse.GetValue(count);
            var seconds = parse.GetValue(timeLimit);
            if (inputs < 1)
            {
                throw new InvalidSettingException("--count", $"expected 1 or more inputs per surface, got {inputs}.");
            }

            if (!(seconds is > 0 and <= 3600))
            {
                throw new InvalidSettingException("--time-limit", $"expected seconds above 0 and at most 3600, got {seconds}.");
            }

            var options = new FuzzOptions
            {
                Count = inputs,
                Seed = parse.GetValue(seed),
                TimeLimit = TimeSpan.FromSeconds(seconds),
                FailureDirectory = parse.GetValue(failures)!,
            };
            var machine = MachineInfo.Detect();
            var report = FuzzSurfaces.Run(names, options, console.Error.WriteLine, cancellationToken);
            if (parse.GetValue(json))
            {
                console.Out.WriteLine(report.ToJson(w =>
                {
                    w.WritePropertyName("machine");
                    machine.WriteJson(w);
                }));
            }
            else
            {
                report.WriteTable(console.Out, machine.ToString());
            }

            return Task.FromResult(report.Passed ? ExitCodes.Success : ExitCodes.Failure);
        });
        return command;
    }

    private static int Replay(CliConsole console, IReadOnlyList<string> names, string file)
    {
        if (names.Count != 1)
        {
            throw new InvalidSettingException("--surface", $"--replay needs the one surface the input belongs to (one of {string.Join(", ", FuzzSurfaces.Names)}).");
        }

        var info = new FileInfo(file);
        if (!info.Exists || info.Length > 64L << 20)
        {
            throw new InvalidSettingException("--replay", $"expected a saved input of at most 64 MiB at {info.FullName}, but there is {(info.Exists ? $"a file of {info.Length:N0} bytes" : "none")}.");
        }

        using var surface = FuzzSurfaces.Create(names[0]);
        var outcome = FuzzRunner.Check(surface, File.ReadAllBytes(file));
        console.Out.WriteLine($"{names[0]} {info.Name}: {outcome.Kind}{(outcome.Message is null ? string.Empty : ": " + outcome.Message)}");
        return outcome.Kind == FuzzOutcomeKind.Failure ? ExitCodes.Failure : ExitCodes.Success;
    }
}
