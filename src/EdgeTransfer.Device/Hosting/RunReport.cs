using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using EdgeTransfer.Hosting;
using EdgeTransfer.Runtime.Inspection;

namespace EdgeTransfer.Device.Hosting;

/// <summary>The console lines of <c>run</c>: every N-th verdict and the summary on stdout, loop errors on stderr.</summary>
internal sealed class RunReport(TextWriter output, TextWriter error, int printEvery)
{
    private readonly int _every = Math.Max(1, printEvery);

    // The device forwards the events of whichever loop is in service (the first, the next after a deployment).
    public void Follow(IInspectionDevice device)
    {
        device.VerdictReady += (_, e) =>
        {
            if (e.Verdict.FrameId % _every == 0)
            {
                output.WriteLine(Describe(e.Verdict));
            }
        };
        device.InspectionError += (_, e) => error.WriteLine($"error      {e.Kind}: {e.Message}");
    }

    public void Summarize(InspectionStatistics stats)
    {
        output.WriteLine($"stopped    {stats.Frames} frames, {stats.Rejects} rejects, {stats.Errors} errors");
        foreach (var (stage, summary) in stats.Latencies.Where(l => double.IsFinite(l.Value.P50)))
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"latency    {stage.ToString().ToLowerInvariant(),-10} p50 {summary.P50:0.00} ms  p95 {summary.P95:0.00} ms  p99 {summary.P99:0.00} ms"));
        }

        // Where a device's megabytes go (tools/scripts/device-peak-rss.sh reads these lines): the managed heap as the
        // GC last saw it, against the process's peak; the rest of the peak is native (ONNX Runtime, the runtime itself).
        var gc = GC.GetGCMemoryInfo(GCKind.Any);
        using var process = Process.GetCurrentProcess();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"memory     peak RSS {Mb(process.PeakWorkingSet64)} MB, RSS {Mb(process.WorkingSet64)} MB; GC heap {Mb(gc.HeapSizeBytes)} MB, committed {Mb(gc.TotalCommittedBytes)} MB, fragmented {Mb(gc.FragmentedBytes)} MB"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"memory     GC {(GCSettings.IsServerGC ? "server" : "workstation")} {GCSettings.LatencyMode}, collections gen0 {GC.CollectionCount(0)} gen1 {GC.CollectionCount(1)} gen2 {GC.CollectionCount(2)}, allocated {Mb(GC.GetTotalAllocatedBytes())} MB in all"));
    }

    private static string Mb(long bytes) => (bytes / 1048576.0).ToString("0.0", CultureInfo.InvariantCulture);

    private static string Describe(Verdict v) => string.Create(
        CultureInfo.InvariantCulture,
        $"frame {v.FrameId,6}  {v.Outcome.ToString().ToLowerInvariant(),-9} {v.ClassName,-10} {v.Confidence:P0}  head {v.HeadVersion}  {v.Latencies.Total.TotalMilliseconds:0.0} ms{(v.Label is null ? string.Empty : $"  (truth {v.Label})")}");
}
