using System.Text.Json;
using EdgeTransfer.Artifacts.IO;
using EdgeTransfer.Benchmarks.Fleet;
using EdgeTransfer.Cli;
using EdgeTransfer.Fleet.Tests.Infrastructure;
using EdgeTransfer.Mqtt.Client;
using EdgeTransfer.Testing;

namespace EdgeTransfer.Fleet.Tests;

/// <summary><c>fleet deploy</c>: chunks, per-device report, and resume after an interruption.</summary>
public class FleetDeployTests
{
    private const int ChunkSize = 16 * 1024;

    [MosquittoFact]
    public async Task Deploy_SendsTheArchiveToEveryDevice_AndReportsPerDevice()
    {
        using var state = new TempDirectory();
        await using var broker = await MosquittoProcess.StartAsync();
        await using var d1 = await SimulatedDevice.StartAsync(broker.Port, "d1", state.Path);
        await using var d2 = await SimulatedDevice.StartAsync(broker.Port, "d2", state.Path);
        var archive = Archive(state, 100_000);

        var result = await CliRunner.RunAsync("fleet", "deploy", archive, "--to", "d1,d2", "--chunk-size", ChunkSize.ToString(System.Globalization.CultureInfo.InvariantCulture), "--json", "--broker", $"127.0.0.1:{broker.Port}", "--fleet", SimulatedDevice.Fleet);

        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        using var json = JsonDocument.Parse(result.Output);
        Assert.True(json.RootElement.GetProperty("allOk").GetBoolean());
        foreach (var device in json.RootElement.GetProperty("devices").EnumerateArray())
        {
            Assert.Equal(7, device.GetProperty("chunks").GetInt32());
            Assert.Equal(7, device.GetProperty("sent").GetInt32());
        }

        Assert.Equal([Sha256.OfFile(archive)], d1.Installed);
        Assert.Equal([Sha256.OfFile(archive)], d2.Installed);
        Assert.Contains("7/7 chunks", result.Error, StringComparison.Ordinal);
    }

    [MosquittoFact]
    public async Task Deploy_ResumesFromTheChunksTheDeviceHolds_AfterAnInterruption()
    {
        // Given a deployment interrupted after 5 of 13 chunks (the tool stopped: Ctrl+C, a lost laptop)
        using var state = new TempDirectory();
        await using var broker = await MosquittoProcess.StartAsync();
        await using var device = await SimulatedDevice.StartAsync(broker.Port, "d1", state.Path);
        var archive = Archive(state, 200_000);
        using var source = BundleSource.Open(archive);
        await using (var client = await FleetClient.ConnectAsync(new FleetConnectionOptions { Broker = new BrokerAddress("127.0.0.1", broker.Port), Fleet = SimulatedDevice.Fleet }))
        {
            using var interrupt = new CancellationTokenSource();
            var progress = new Inline<DeployProgress>(p =>
            {
                if (p.Held >= 5)
                {
                    interrupt.Cancel();
                }
            });
            var deployer = new BundleDeployer(client.Connection, TimeSpan.FromSeconds(10));
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => deployer.DeployAsync(["d1"], source, ChunkSize, 1, progress, interrupt.Token));
        }

        Assert.Empty(device.Installed);

        // When the same deployment runs again
        var result = await CliRunner.RunAsync("fleet", "deploy", archive, "--to", "d1", "--chunk-size", ChunkSize.ToString(System.Globalization.CultureInfo.InvariantCulture), "--json", "--broker", $"127.0.0.1:{broker.Port}", "--fleet", SimulatedDevice.Fleet);

        // Then it sends only the missing chunks and the device installs the archive, intact
        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        using var json = JsonDocument.Parse(result.Output);
        var outcome = json.RootElement.GetProperty("devices")[0];
        Assert.Equal(13, outcome.GetProperty("chunks").GetInt32());
        Assert.Equal(5, outcome.GetProperty("alreadyHeld").GetInt32());
        Assert.Equal(8, outcome.GetProperty("sent").GetInt32());
        Assert.Equal([Sha256.OfFile(archive)], device.Installed);
    }

    [MosquittoFact]
    public async Task Deploy_ReportsAFailureOnStderr_WhenTheDeviceDoesNotAnswer()
    {
        using var state = new TempDirectory();
        await using var broker = await MosquittoProcess.StartAsync();
        await using var hung = await SimulatedDevice.StartAsync(broker.Port, "d9", state.Path, answers: false);
        var archive = Archive(state, 5_000);

        var result = await CliRunner.RunAsync("fleet", "deploy", archive, "--to", "d9", "--timeout", "0.5", "--attempts", "2", "--broker", $"127.0.0.1:{broker.Port}", "--fleet", SimulatedDevice.Fleet);

        // The device's failure line is an error (stderr); the summary is the result (stdout); exit 1
        Assert.True(result.ExitCode == ExitCodes.Failure, result.ToString());
        Assert.Contains("d9", result.Error, StringComparison.Ordinal);
        Assert.Contains("FAILED", result.Error, StringComparison.Ordinal);
        Assert.Contains("gave up after 2 attempts", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("FAILED", result.Output, StringComparison.Ordinal);
        Assert.Contains("1 device(s): 0 installed, 1 failed.", result.Output, StringComparison.Ordinal);
    }

    private static string Archive(TempDirectory state, int size)
    {
        // The device verifies the bundle inside; the transfer only cares about bytes and their sha256.
        var bytes = new byte[size];
        new Random(size).NextBytes(bytes);
        var path = state.Combine($"bundle-{size}.tar.gz");
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private sealed class Inline<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
