namespace EdgeTransfer.Fuzzing;

/// <summary>How many inputs, from which seed, under which limits.</summary>
public sealed class FuzzOptions
{
    /// <summary>The memory limit of the shipped linux-x64 unit (<c>MemoryMax=400M</c>).</summary>
    public const long UnitMemoryMaxBytes = 400L << 20;

    /// <summary>Inputs per surface.</summary>
    public int Count { get; init; } = 300;

    /// <summary>The run's seed: the same seed and iteration give the same input.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>The longest one input may take before it counts as a hang.</summary>
    public TimeSpan TimeLimit { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The working set the process must stay under after every input.</summary>
    public long MemoryLimitBytes { get; init; } = UnitMemoryMaxBytes;

    /// <summary>Where failing inputs are written (created when needed).</summary>
    public string FailureDirectory { get; init; } = Path.Combine(Path.GetTempPath(), "edgetransfer-fuzz-failures");

    /// <summary>Failures kept with details per surface (all are counted).</summary>
    public int MaxFailuresListed { get; init; } = 20;
}
