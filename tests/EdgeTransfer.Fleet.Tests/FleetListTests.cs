using System.Text.Json;
using EdgeTransfer.Benchmarks.Fleet;
using EdgeTransfer.Fleet.Tests.Infrastructure;
using EdgeTransfer.Testing;

namespace EdgeTransfer.Fleet.Tests;

/// <summary><c>fleet list</c> against a real Mosquitto: births, last wills and clean shutdowns.</summary>
public class FleetListTests
{
    [MosquittoFact]
    public async Task List_ShowsDevicesOnline_AndOfflineByLastWill_WhenOneVanishes()
    {
        // Given two devices, one of which connects through a relay that is then cut (no DISCONNECT: a kill -9)
        using var state = new TempDirectory();
        await using var broker = await MosquittoProcess.StartAsync();
        await using var relay = new TcpRelay(broker.Port);
        await using var alive = await SimulatedDevice.StartAsync(broker.Port, "line3-cam1", state.Path);
        await using var vanishing = await SimulatedDevice.StartAsync(relay.Port, "line3-cam2", state.Path);
        relay.CutAll();
        await Task.Delay(300);

        // When the fleet tool lists the fleet
        var result = await CliRunner.RunAsync("fleet", "list", "--broker", $"127.0.0.1:{broker.Port}", "--fleet", SimulatedDevice.Fleet, "--json", "--wait", "2");

        // Then the first is online with its versions and the second offline by its last will
        Assert.True(result.ExitCode == 0, result.ToString());
        using var json = JsonDocument.Parse(result.Output);
        var devices = json.RootElement.GetProperty("devices").EnumerateArray().ToDictionary(d => d.GetProperty("device").GetString()!);
        Assert.Equal("online", devices["line3-cam1"].GetProperty("state").GetString());
        Assert.Equal("line3", devices["line3-cam1"].GetProperty("versions").GetProperty("bundle").GetString());
        Assert.Equal("offline", devices["line3-cam2"].GetProperty("state").GetString());
        Assert.Equal("last-will", devices["line3-cam2"].GetProperty("reason").GetString());
    }

    [MosquittoFact]
    public async Task List_PrintsATable_WithShutdownReason_WhenADeviceLeavesCleanly()
    {
        // Given a device that said goodbye and one that is online
        using var state = new TempDirectory();
        await using var broker = await MosquittoProcess.StartAsync();
        await using var online = await SimulatedDevice.StartAsync(broker.Port, "d1", state.Path);
        var leaving = await SimulatedDevice.StartAsync(broker.Port, "d2", state.Path);
        await leaving.DisposeAsync();

        // When
        var result = await CliRunner.RunAsync("fleet", "list", "--broker", $"127.0.0.1:{broker.Port}", "--fleet", SimulatedDevice.Fleet, "--wait", "1");

        // Then
        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = result.Output.Split('\n');
        Assert.Contains(lines, l => l.StartsWith("d1 ", StringComparison.Ordinal) && l.Contains("online", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("d2 ", StringComparison.Ordinal) && l.Contains("offline (shutdown)", StringComparison.Ordinal));
        Assert.Contains("2 device(s): 1 online, 1 offline", result.Output, StringComparison.Ordinal);
    }
}
