namespace EdgeTransfer.Runtime.Inspection;

/// <summary>A snapshot of the inspection figures, for the status report and the debugging console.</summary>
/// <param name="Frames">Frames inspected (with a verdict).</param>
/// <param name="Errors">Errors of every kind.</param>
/// <param name="Rejects">Reject pulses requested.</param>
/// <param name="VerdictsByClass">Verdicts per class name.</param>
/// <param name="VerdictsByOutcome">Verdicts per outcome.</param>
/// <param name="ErrorsByKind">Errors per kind.</param>
/// <param name="Latencies">p50/p95/p99 of the recent latencies of every stage, in ms.</param>
/// <param name="IsPaused">Whether the loop is paused.</param>
/// <param name="HeadVersion">The head in service.</param>
public sealed record InspectionStatistics(
    long Frames,
    long Errors,
    long Rejects,
    IReadOnlyDictionary<string, long> VerdictsByClass,
    IReadOnlyDictionary<VerdictOutcome, long> VerdictsByOutcome,
    IReadOnlyDictionary<InspectionErrorKind, long> ErrorsByKind,
    IReadOnlyDictionary<InspectionStage, LatencySummary> Latencies,
    bool IsPaused,
    string HeadVersion);
