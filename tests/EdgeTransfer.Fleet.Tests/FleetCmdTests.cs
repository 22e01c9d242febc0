using System.Text.Json;
using EdgeTransfer.Benchmarks.Fleet;
using EdgeTransfer.Cli;
using EdgeTransfer.Fleet.Tests.Infrastructure;
using EdgeTransfer.Testing;

namespace EdgeTransfer.Fleet.Tests;

/// <summary><c>fleet cmd</c> and <c>fleet rollback</c>: one device, all devices, replies, errors and timeouts.</summary>
public class FleetCmdTests
{
    [MosquittoFact]
    public async Task Cmd_ToOneDevice_PrintsItsReply()
    {
        using var state = new TempDirectory();
        await using var broker = await MosquittoProcess.StartAsync();
        await using var device = await SimulatedDevice.StartAsync(broker.Port, "d1", state.Path);

        var result = await CliRunner.RunAsync("fleet", "cmd", "d1", "train", "--arg", "epochs=20", "--arg", "learningRate=0.01", "--broker", $"127.0.0.1:{broker.Port}", "--fleet", SimulatedDevice.Fleet);

        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        Assert.Contains("d1", result.Output, StringComparison.Ordinal);
        Assert.Contains("1 device(s): 1 ok", result.Output, StringComparison.Ordinal);
        Assert.Contains("train epochs=20", device.Commands);
    }

    [MosquittoFact]
    public async Task Cmd_ToAll_CollectsEveryReply_ReportsTheTimeout_AndSkipsOfflineDevices()
    {
        // Given two answering devices, one that is online but never answers, and one that left
        using var state = new TempDirectory();
        await using var broker = await MosquittoProcess.StartAsync();
        await using var d1 = await SimulatedDevice.StartAsync(broker.Port, "d1", state.Path);
        await using var d2 = await SimulatedDevice.StartAsync(broker.Port, "d2", state.Path);
        await using var hung = await SimulatedDevice.StartAsync(broker.Port, "d3", state.Path, answers: false);
        var gone = await SimulatedDevice.StartAsync(broker.Port, "d4", state.Path);
        await gone.DisposeAsync();

        // When status goes to all, as lines and as JSON
        var lines = await CliRunner.RunAsync("fleet", "cmd", "all", "status", "--timeout", "2", "--broker", $"127.0.0.1:{broker.Port}", "--fleet", SimulatedDevice.Fleet);
        var result = await CliRunner.RunAsync("fleet", "cmd", "all", "status", "--timeout", "2", "--json", "--broker", $"127.0.0.1:{broker.Port}", "--fleet", SimulatedDevice.Fleet);

        // Then the time-out is an error line on stderr (exit 1); answers and the skipped device are results on stdout
        Assert.True(lines.ExitCode == ExitCodes.Failure, lines.ToString());
        Assert.Contains("d3", lines.Error, StringComparison.Ordinal);
        Assert.Contains("TIMEOUT", lines.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("TIMEOUT", lines.Output, StringComparison.Ordinal);
        Assert.Contains("d4", lines.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("d1", lines.Error, StringComparison.Ordinal);

        // Then every online device is asked, two reply, one times out (exit 1), the offline one is skipped
        Assert.True(result.ExitCode == ExitCodes.Failure, result.ToString());
        using var json = JsonDocument.Parse(result.Output);
        var outcomes = json.RootElement.GetProperty("devices").EnumerateArray().ToDictionary(d => d.GetProperty("device").GetString()!, d => d.GetProperty("outcome").GetString());
        Assert.Equal("ok", outcomes["d1"]);
        Assert.Equal("ok", outcomes["d2"]);
        Assert.Equal("timeout", outcomes["d3"]);
        Assert.Equal("skipped", outcomes["d4"]);
        Assert.False(json.RootElement.GetProperty("allOk").GetBoolean());
        Assert.Equal("cpu", json.RootElement.GetProperty("devices").EnumerateArray().First(d => d.GetProperty("device").GetString() == "d1").GetProperty("reply").GetProperty("result").GetProperty("executionProvider").GetString());
    }

    [MosquittoFact]
    public async Task Cmd_ExitsWith1_AndPrintsTheDevicesErrorOnStderr_WhenTheDeviceRefuses()
    {
        using var state = new TempDirectory();
        await using var broker = await MosquittoProcess.StartAsync();
        await using var device = await SimulatedDevice.StartAsync(broker.Port, "d1", state.Path);

        var result = await CliRunner.RunAsync("fleet", "cmd", "d1", "train", "--arg", "epochs=-5", "--broker", $"127.0.0.1:{broker.Port}", "--fleet", SimulatedDevice.Fleet);

        // The error line goes to stderr, the summary (a result) stays on stdout
        Assert.True(result.ExitCode == ExitCodes.Failure, result.ToString());
        Assert.Contains("ERROR", result.Error, StringComparison.Ordinal);
        Assert.Contains("out_of_range", result.Error, StringComparison.Ordinal);
        Assert.Contains("epochs", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("ERROR", result.Output, StringComparison.Ordinal);
        Assert.Contains("1 device(s): 0 ok, 1 error", result.Output, StringComparison.Ordinal);
        Assert.Empty(device.Commands);
    }

    [MosquittoFact]
    public async Task Cmd_SetsConfigKeys_UnderSet()
    {
        using var state = new TempDirectory();
        await using var broker = await MosquittoProcess.StartAsync();
        await using var device = await SimulatedDevice.StartAsync(broker.Port, "d1", state.Path);

        var result = await CliRunner.RunAsync("fleet", "cmd", "d1", "config", "--arg", "inspection.threshold=0.8", "--broker", $"127.0.0.1:{broker.Port}", "--fleet", SimulatedDevice.Fleet);

        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        Assert.Contains("config", device.Commands);
    }

    [MosquittoFact]
    public async Task Rollback_ToAll_RollsBackEveryOnlineDevice()
    {
        using var state = new TempDirectory();
        await using var broker = await MosquittoProcess.StartAsync();
        await using var d1 = await SimulatedDevice.StartAsync(broker.Port, "d1", state.Path);
        await using var d2 = await SimulatedDevice.StartAsync(broker.Port, "d2", state.Path);

        var result = await CliRunner.RunAsync("fleet", "rollback", "all", "--head-version", "6", "--broker", $"127.0.0.1:{broker.Port}", "--fleet", SimulatedDevice.Fleet);

        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        Assert.Contains("rollback head=6", d1.Commands);
        Assert.Contains("rollback head=6", d2.Commands);
        Assert.Contains("2 device(s): 2 ok", result.Output, StringComparison.Ordinal);
    }
}
