namespace EdgeTransfer.Runtime.Inspection;

/// <summary>Percentiles of the recent latencies of one stage, in milliseconds (NaN when nothing was recorded).</summary>
/// <param name="Count">Samples recorded since start.</param>
/// <param name="WindowCount">Samples the percentiles are computed over (the most recent ones).</param>
/// <param name="P50">The median (nearest rank).</param>
/// <param name="P95">The 95th percentile (nearest rank).</param>
/// <param name="P99">The 99th percentile (nearest rank).</param>
/// <param name="Max">The largest sample of the window.</param>
/// <param name="Mean">The mean of the window.</param>
public sealed record LatencySummary(long Count, int WindowCount, double P50, double P95, double P99, double Max, double Mean);
