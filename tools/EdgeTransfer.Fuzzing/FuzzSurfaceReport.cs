namespace EdgeTransfer.Fuzzing;

/// <summary>The figures of one surface's run.</summary>
/// <param name="Surface">The surface.</param>
/// <param name="Inputs">Inputs run.</param>
/// <param name="Successes">Inputs accepted.</param>
/// <param name="ClearErrors">Inputs refused with a clear error.</param>
/// <param name="Failures">Failures (crash, unclear error, hang, memory, a stored file changed).</param>
/// <param name="SlowestMs">The slowest input in milliseconds.</param>
/// <param name="SlowestIteration">Its iteration.</param>
/// <param name="PeakRssBytes">The process's peak resident set while this surface ran.</param>
/// <param name="Aborted">Whether the run stopped early (a hang or a changed stored file).</param>
/// <param name="FirstFailures">The first failures with seed, iteration and input file.</param>
public sealed record FuzzSurfaceReport(
    string Surface,
    int Inputs,
    int Successes,
    int ClearErrors,
    int Failures,
    double SlowestMs,
    int SlowestIteration,
    long PeakRssBytes,
    bool Aborted,
    IReadOnlyList<FuzzFailure> FirstFailures);
