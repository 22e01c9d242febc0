namespace EdgeTransfer.LineConsole.Model;

/// <summary>One inspection event as the console shows it.</summary>
/// <param name="FrameId">The device's frame id.</param>
/// <param name="Verdict">The predicted class (display-safe: shortened, control characters replaced).</param>
/// <param name="Confidence">The probability of the verdict, 0 to 1.</param>
/// <param name="Rejected">Whether the part was rejected on the line.</param>
/// <param name="LatencyMs">Capture-to-verdict latency.</param>
/// <param name="ReceivedAt">When the console received it (the console's clock: device clocks may be off).</param>
/// <param name="AnomalyScore">The anomaly score, 0.5 = the decision point (modes <c>anomaly</c> and <c>both</c>), or null.</param>
public sealed record InspectionRecord(long FrameId, string Verdict, double Confidence, bool Rejected, double LatencyMs, DateTimeOffset ReceivedAt, double? AnomalyScore = null);
