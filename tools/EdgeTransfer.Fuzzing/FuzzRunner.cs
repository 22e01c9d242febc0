using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using EdgeTransfer.Artifacts.Randomness;

namespace EdgeTransfer.Fuzzing;

/// <summary>
/// Feeds a surface seeded mutations of its valid inputs and checks every one: success, or the SDK's error
/// naming the input and the reason, within the time limit, under the memory limit, with the surface's stored
/// files intact. A failing input is written to a file and reported with the seed and iteration that made it.
/// </summary>
public static class FuzzRunner
{
    // Texts only the runtime writes: a message holding one leaks a .NET exception instead of saying what is wrong.
    private static readonly string[] RuntimeTexts = ["System.", "Exception", "LineNumber:", "BytePositionInLine", "   at ", "(Parameter '"];

    /// <summary>The input of <paramref name="iteration"/> in a run with <paramref name="seed"/>.</summary>
    /// <param name="surface">The surface.</param>
    /// <param name="seed">The run's seed.</param>
    /// <param name="iteration">The iteration.</param>
    public static byte[] InputFor(FuzzSurface surface, int seed, int iteration)
    {
        ArgumentNullException.ThrowIfNull(surface);
        var random = new Random((int)SplitMix64.Mix((ulong)(uint)seed ^ SplitMix64.Hash(surface.Name), (ulong)iteration));
        var seeds = surface.Seeds;
        return surface.Mutate(seeds[random.Next(seeds.Count)], random);
    }

    /// <summary>Whether <paramref name="message"/> carries text only the .NET runtime writes (a type name, a JSON reader position, a stack frame).</summary>
    /// <param name="message">A message meant for a technician.</param>
    public static bool LeaksRuntimeText(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return RuntimeTexts.Any(t => message.Contains(t, StringComparison.Ordinal));
    }

    /// <summary>Runs one input through <paramref name="surface"/> and classifies what happened (no time or memory limit).</summary>
    /// <param name="surface">The surface.</param>
    /// <param name="input">The input bytes (e.g. a failing input read back from its file).</param>
    public static FuzzOutcome Check(FuzzSurface surface, byte[] input)
    {
        ArgumentNullException.ThrowIfNull(surface);
        ArgumentNullException.ThrowIfNull(input);
        try
        {
            surface.Exercise(input);
            return new FuzzOutcome(FuzzOutcomeKind.Success, null);
        }
        catch (FuzzInvariantException ex)
        {
            return new FuzzOutcome(FuzzOutcomeKind.Failure, ex.Message);
        }
        catch (EdgeTransferException ex) when (LeaksRuntimeText(ex.Message))
        {
            return new FuzzOutcome(FuzzOutcomeKind.Failure, $"{ex.GetType().Name} with raw .NET text: {ex.Message}");
        }
        catch (EdgeTransferException ex) when (!surface.NamesInput(ex.Message))
        {
            return new FuzzOutcome(FuzzOutcomeKind.Failure, $"{ex.GetType().Name} that does not name the input: {ex.Message}");
        }
        catch (EdgeTransferException ex)
        {
            return new FuzzOutcome(FuzzOutcomeKind.ClearError, ex.Message);
        }
        catch (Exception ex)
        {
            return new FuzzOutcome(FuzzOutcomeKind.Failure, $"{ex.GetType().FullName}: {ex.Message}");
        }
    }

    /// <summary>Runs <see cref="FuzzOptions.Count"/> inputs through <paramref name="surface"/>.</summary>
    /// <param name="surface">The surface.</param>
    /// <param name="options">Count, seed and limits.</param>
    /// <param name="log">Where failures are printed as they happen (seed, iteration, file); null for nowhere.</param>
    /// <param name="cancellationToken">Stops between inputs.</param>
    /// <exception cref="InvalidOperationException">A seed input is not accepted: the surface is set up wrongly.</exception>
    public static FuzzSurfaceReport Run(FuzzSurface surface, FuzzOptions options, Action<string>? log = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(surface);
        ArgumentNullException.ThrowIfNull(options);
        foreach (var seed in surface.Seeds)
        {
            if (Check(surface, seed) is { Kind: not FuzzOutcomeKind.Success } refused)
            {
                throw new InvalidOperationException($"A seed input of surface '{surface.Name}' is not accepted: {refused.Message}");
            }
        }

        var stored = HashAll(surface.StoredFiles);
        var tally = new Tally(surface.Name, options, log);
        PeakMemory.Reset();
        for (var iteration = 0; iteration < options.Count && !cancellationToken.IsCancellationRequested; iteration++)
        {
            var input = InputFor(surface, options.Seed, iteration);
            var watch = Stopwatch.StartNew();
            var task = Task.Run(() => Check(surface, input), CancellationToken.None);
            if (!task.Wait(options.TimeLimit, CancellationToken.None))
            {
                // The input still runs and cannot be stopped: report it and leave this surface alone.
                tally.Fail(iteration, input, $"no answer within {options.TimeLimit.TotalSeconds:0.#} s (a hang)");
                tally.Aborted = true;
                break;
            }

            tally.Count(iteration, task.Result, watch.Elapsed.TotalMilliseconds, input);
            if (Environment.WorkingSet is var workingSet && workingSet > options.MemoryLimitBytes)
            {
                tally.Fail(iteration, input, $"the working set is {workingSet >> 20} MiB after this input, over the {options.MemoryLimitBytes >> 20} MiB limit");
                GC.Collect();
            }

            tally.Sample(workingSet);
            if (task.Result.Kind == FuzzOutcomeKind.Success)
            {
                // An accepted input may put a new valid base in place (an archive whose manifest differs only in
                // a free-text field): what a refused input must leave intact is the base as it is now.
                stored = HashAll(surface.StoredFiles);
            }
            else if (ChangedFile(stored) is { } changed)
            {
                tally.Fail(iteration, input, $"stored file {changed} changed by a refused input (sha256 differs)");
                tally.Aborted = true;
                break;
            }
        }

        return tally.Report(PeakMemory.Read());
    }

    private static Dictionary<string, string> HashAll(IEnumerable<string> files) =>
        files.ToDictionary(f => f, Hash, StringComparer.Ordinal);

    private static string Hash(string file)
    {
        try
        {
            return Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(file)));
        }
        catch (IOException)
        {
            return "missing";
        }
    }

    private static string? ChangedFile(Dictionary<string, string> stored) =>
        stored.FirstOrDefault(kv => Hash(kv.Key) != kv.Value).Key;

    private sealed class Tally(string surface, FuzzOptions options, Action<string>? log)
    {
        private readonly List<FuzzFailure> _failures = [];
        private int _inputs;
        private int _successes;
        private int _clearErrors;
        private int _failureCount;
        private double _slowestMs;
        private int _slowestIteration;
        private long _peakWorkingSet;

        public bool Aborted { get; set; }

        public void Count(int iteration, FuzzOutcome outcome, double milliseconds, byte[] input)
        {
            _inputs++;
            if (milliseconds > _slowestMs)
            {
                _slowestMs = milliseconds;
                _slowestIteration = iteration;
            }

            switch (outcome.Kind)
            {
                case FuzzOutcomeKind.Success:
                    _successes++;
                    break;
                case FuzzOutcomeKind.ClearError:
                    _clearErrors++;
                    break;
                default:
                    Fail(iteration, input, outcome.Message ?? "failed");
                    break;
            }
        }

        public void Sample(long workingSet) => _peakWorkingSet = Math.Max(_peakWorkingSet, workingSet);

        public void Fail(int iteration, byte[] input, string reason)
        {
            _failureCount++;
            var file = Write(iteration, input);
            log?.Invoke($"FUZZ FAILURE surface={surface} seed={options.Seed} iteration={iteration}: {reason} (input: {file ?? "not written"})");
            if (_failures.Count < options.MaxFailuresListed)
            {
                _failures.Add(new FuzzFailure(surface, options.Seed, iteration, reason, file));
            }
        }

        public FuzzSurfaceReport Report(long peakRss) => new(
            surface, _inputs, _successes, _clearErrors, _failureCount, _slowestMs, _slowestIteration, Math.Max(peakRss, _peakWorkingSet), Aborted, _failures);

        private string? Write(int iteration, byte[] input)
        {
            try
            {
                Directory.CreateDirectory(options.FailureDirectory);
                var path = Path.Combine(options.FailureDirectory, string.Create(CultureInfo.InvariantCulture, $"{surface}-seed{options.Seed}-iter{iteration}.bin"));
                File.WriteAllBytes(path, input);
                return path;
            }
            catch (IOException)
            {
                return null;
            }
            catch (UnauthorizedAccessException)
            {
                return null;
            }
        }
    }
}
