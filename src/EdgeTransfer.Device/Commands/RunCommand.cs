using System.CommandLine;
using System.Globalization;
using EdgeTransfer.Runtime.Inspection;

namespace EdgeTransfer.Device.Commands;

/// <summary><c>edgetransfer-device run</c>: inspect until stopped (the service's command).</summary>
internal static class RunCommand
{
    public static Command Create(TextWriter output)
    {
        var seconds = new Option<int?>("--seconds") { Description = "Stop after this many seconds (default: until SIGINT/SIGTERM)." };
        var every = new Option<int>("--print-every") { Description = "Print every N-th verdict.", DefaultValueFactory = _ => 25 };
        var command = new Command("run", "Capture, inspect and drive the reject line until stopped.") { seconds, every };
        command.SetAction(async (parse, cancellationToken) =>
        {
            await using var device = DeviceSession.Open(parse.GetValue(DeviceCli.ConfigOption)!);
            using var stop = DeviceSession.StopOnSignal(out var signals);
            using (signals)
            {
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(stop.Token, cancellationToken);
                if (parse.GetValue(seconds) is { } limit)
                {
                    linked.CancelAfter(TimeSpan.FromSeconds(limit));
                }

                var printEvery = Math.Max(1, parse.GetValue(every));
                var loop = device.StartInspection();
                loop.VerdictReady += (_, e) =>
                {
                    if (e.Verdict.FrameId % printEvery == 0)
                    {
                        output.WriteLine(Describe(e.Verdict));
                    }
                };
                loop.Error += (_, e) => output.WriteLine($"error      {e.Kind}: {e.Message}");
                output.WriteLine($"running    bundle {device.Bundle.BundleId}, head {device.Pipeline.HeadVersion}; Ctrl+C stops");
                try
                {
                    await Task.Delay(Timeout.Infinite, linked.Token);
                }
                catch (OperationCanceledException)
                {
                }

                var stats = loop.GetStatistics();
                await device.StopInspectionAsync();
                output.WriteLine($"stopped    {stats.Frames} frames, {stats.Rejects} rejects, {stats.Errors} errors");
                foreach (var (stage, summary) in stats.Latencies.Where(l => double.IsFinite(l.Value.P50)))
                {
                    output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"latency    {stage.ToString().ToLowerInvariant(),-10} p50 {summary.P50:0.00} ms  p95 {summary.P95:0.00} ms  p99 {summary.P99:0.00} ms"));
                }
            }

            return DeviceExitCodes.Success;
        });
        return command;
    }

    private static string Describe(Verdict v) => string.Create(
        CultureInfo.InvariantCulture,
        $"frame {v.FrameId,6}  {v.Outcome.ToString().ToLowerInvariant(),-9} {v.ClassName,-10} {v.Confidence:P0}  head {v.HeadVersion}  {v.Latencies.Total.TotalMilliseconds:0.0} ms{(v.Label is null ? string.Empty : $"  (truth {v.Label})")}");
}
