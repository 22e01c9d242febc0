using System.CommandLine;
using System.Globalization;
using EdgeTransfer.Agent;
using EdgeTransfer.Runtime.Configuration;
using EdgeTransfer.Runtime.Inspection;

namespace EdgeTransfer.Device.Commands;

/// <summary>
/// <c>edgetransfer-device run</c>: inspect until stopped (the service's command). With MQTT on — device.json has an
/// <c>mqtt</c> section without <c>"enabled": false</c>, or <c>--broker</c> is given — the device agent reports to the
/// broker and takes fleet commands; SIGTERM publishes the retained <c>offline</c> status before the program ends.
/// </summary>
internal static class RunCommand
{
    public static Command Create(TextWriter output)
    {
        var seconds = new Option<int?>("--seconds") { Description = "Stop after this many seconds (default: until SIGINT/SIGTERM)." };
        var every = new Option<int>("--print-every") { Description = "Print every N-th verdict.", DefaultValueFactory = _ => 25 };
        var broker = new Option<string?>("--broker") { Description = "Report to this MQTT broker (host:port), overriding mqtt.host and mqtt.port; turns MQTT on." };
        var noMqtt = new Option<bool>("--no-mqtt") { Description = "Do not connect to the broker even if device.json configures one." };
        var command = new Command("run", "Capture, inspect and drive the reject line until stopped; report to the fleet over MQTT when configured.") { seconds, every, broker, noMqtt };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var configured = DeviceConfigFile.Load(parse.GetValue(DeviceCli.ConfigOption)!);
            if (parse.GetValue(broker) is { } endpoint)
            {
                (configured.Mqtt.Host, configured.Mqtt.Port) = ParseBroker(endpoint);
                configured.Mqtt.Enabled = true;
            }

            var mqtt = configured.Mqtt.IsEnabled && !parse.GetValue(noMqtt);
            var device = DeviceSession.Open(configured);
            DeviceAgent? agent = null;
            try
            {
                using var stop = ShutdownSignal.Listen();
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(stop.Token, cancellationToken);
                if (parse.GetValue(seconds) is { } limit)
                {
                    linked.CancelAfter(TimeSpan.FromSeconds(limit));
                }

                var printEvery = Math.Max(1, parse.GetValue(every));
                Print(device.StartInspection(), output, printEvery);
                output.WriteLine($"running    bundle {device.Bundle.BundleId}, head {device.Pipeline.HeadVersion}; Ctrl+C stops");
                if (mqtt)
                {
                    // The agent owns the host from here on: a deployment may replace it.
                    agent = new DeviceAgent(device, new DeviceAgentOptions { StateDirectory = configured.Store.Path });
                    agent.HostReplaced += (_, e) =>
                    {
                        output.WriteLine($"deployed   bundle {e.Host.Bundle.BundleId} replaced {e.PreviousBundleId}");
                        if (e.Host.Loop is { } loop)
                        {
                            Print(loop, output, printEvery);
                        }
                    };
                    await agent.StartAsync(CancellationToken.None);
                    output.WriteLine($"mqtt       {configured.Mqtt.Host}:{configured.Mqtt.Port} as {configured.Device.Fleet}/{configured.Device.Id}");
                }

                try
                {
                    await Task.Delay(Timeout.Infinite, linked.Token);
                }
                catch (OperationCanceledException)
                {
                }

                var current = agent?.Host ?? device;
                var stats = current.Loop?.GetStatistics();
                await current.StopInspectionAsync();
                if (stats is not null)
                {
                    Summarize(stats, output);
                }
            }
            finally
            {
                // Disposing the agent publishes "offline" (reason shutdown), disconnects and disposes its host.
                if (agent is not null)
                {
                    await agent.DisposeAsync();
                }
                else
                {
                    await device.DisposeAsync();
                }
            }

            return DeviceExitCodes.Success;
        });
        return command;
    }

    /// <summary>Reads <c>host:port</c> (<c>[::1]:1883</c> for IPv6).</summary>
    internal static (string Host, int Port) ParseBroker(string endpoint)
    {
        var colon = endpoint.LastIndexOf(':');
        var host = colon > 0 ? endpoint[..colon].Trim('[', ']') : string.Empty;
        if (host.Length == 0 || !int.TryParse(endpoint.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            throw new InvalidSettingException("--broker", $"expected host:port such as 127.0.0.1:1883, got \"{endpoint}\".");
        }

        return (host, port);
    }

    private static void Print(InspectionLoop loop, TextWriter output, int printEvery)
    {
        loop.VerdictReady += (_, e) =>
        {
            if (e.Verdict.FrameId % printEvery == 0)
            {
                output.WriteLine(Describe(e.Verdict));
            }
        };
        loop.Error += (_, e) => output.WriteLine($"error      {e.Kind}: {e.Message}");
    }

    private static void Summarize(InspectionStatistics stats, TextWriter output)
    {
        output.WriteLine($"stopped    {stats.Frames} frames, {stats.Rejects} rejects, {stats.Errors} errors");
        foreach (var (stage, summary) in stats.Latencies.Where(l => double.IsFinite(l.Value.P50)))
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"latency    {stage.ToString().ToLowerInvariant(),-10} p50 {summary.P50:0.00} ms  p95 {summary.P95:0.00} ms  p99 {summary.P99:0.00} ms"));
        }
    }

    private static string Describe(Verdict v) => string.Create(
        CultureInfo.InvariantCulture,
        $"frame {v.FrameId,6}  {v.Outcome.ToString().ToLowerInvariant(),-9} {v.ClassName,-10} {v.Confidence:P0}  head {v.HeadVersion}  {v.Latencies.Total.TotalMilliseconds:0.0} ms{(v.Label is null ? string.Empty : $"  (truth {v.Label})")}");
}
