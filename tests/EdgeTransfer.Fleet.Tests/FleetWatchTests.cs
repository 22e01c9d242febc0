using System.Text.Json;
using EdgeTransfer.Benchmarks.Fleet;
using EdgeTransfer.Cli;
using EdgeTransfer.Fleet.Tests.Infrastructure;
using EdgeTransfer.Mqtt.Protocol;
using EdgeTransfer.Testing;

namespace EdgeTransfer.Fleet.Tests;

/// <summary><c>fleet watch</c>: streaming, and MQTT 5 shared subscriptions splitting a fleet between consumers.</summary>
public class FleetWatchTests
{
    [MosquittoFact]
    public async Task Watch_WithShare_SplitsTheMessagesBetweenTwoWatchers_WithoutDuplicates()
    {
        // Given two watchers in one shared group
        using var state = new TempDirectory();
        await using var broker = await MosquittoProcess.StartAsync();
        string[] Args() => ["fleet", "watch", "--share", "ingest", "--kinds", "telemetry", "--json", "--duration", "5", "--broker", $"127.0.0.1:{broker.Port}", "--fleet", SimulatedDevice.Fleet];
        var first = CliRunner.RunAsync(Args());
        var second = CliRunner.RunAsync(Args());
        await Task.Delay(1500);

        // When two devices send 40 telemetry messages between them
        await using var d1 = await SimulatedDevice.StartAsync(broker.Port, "d1", state.Path);
        await using var d2 = await SimulatedDevice.StartAsync(broker.Port, "d2", state.Path);
        var sent = new HashSet<(string, long)>();
        for (var i = 0; i < 20; i++)
        {
            sent.Add(("d1", d1.Connection.Enqueue(new TelemetryMessage { Frames = i }).Seq));
            sent.Add(("d2", d2.Connection.Enqueue(new TelemetryMessage { Frames = i }).Seq));
            await Task.Delay(20);
        }

        var a = await first;
        var b = await second;

        // Then each message reached exactly one watcher, and both watchers got a part
        Assert.True(a.ExitCode == ExitCodes.Success, a.ToString());
        Assert.True(b.ExitCode == ExitCodes.Success, b.ToString());
        var fromA = Messages(a.Output);
        var fromB = Messages(b.Output);
        Assert.NotEmpty(fromA);
        Assert.NotEmpty(fromB);
        Assert.Empty(fromA.Intersect(fromB));
        Assert.Equal(fromA.Count + fromB.Count, fromA.Concat(fromB).Distinct().Count());
        Assert.True(sent.SetEquals(fromA.Concat(fromB)), $"sent {sent.Count}, watchers got {fromA.Count} + {fromB.Count}");
    }

    [MosquittoFact]
    public async Task Watch_PrintsOneLinePerMessage_WithTheRetainedStatus()
    {
        using var state = new TempDirectory();
        await using var broker = await MosquittoProcess.StartAsync();
        await using var d1 = await SimulatedDevice.StartAsync(broker.Port, "d1", state.Path);

        var watch = CliRunner.RunAsync("fleet", "watch", "--duration", "6", "--broker", $"127.0.0.1:{broker.Port}", "--fleet", SimulatedDevice.Fleet);

        // Telemetry is not retained: keep sending until the watch ends, so a watch that subscribes late on
        // a loaded machine still sees one.
        while (!watch.IsCompleted)
        {
            d1.Connection.Enqueue(new TelemetryMessage { Frames = 41234 });
            await Task.WhenAny(watch, Task.Delay(300));
        }

        var result = await watch;

        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        Assert.Contains(result.Output.Split('\n'), l => l.Contains("d1", StringComparison.Ordinal) && l.Contains("status", StringComparison.Ordinal) && l.Contains("(retained)", StringComparison.Ordinal));
        Assert.Contains(result.Output.Split('\n'), l => l.Contains("telemetry", StringComparison.Ordinal) && l.Contains("41234", StringComparison.Ordinal));
    }

    private static List<(string, long)> Messages(string output) =>
        [.. output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line =>
        {
            using var json = JsonDocument.Parse(line);
            return (json.RootElement.GetProperty("device").GetString()!, json.RootElement.GetProperty("payload").GetProperty("seq").GetInt64());
        })];
}
