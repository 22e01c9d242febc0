using System.Text.Json;
using EdgeTransfer.Benchmarks.Fleet;
using EdgeTransfer.Cli;
using EdgeTransfer.Fleet.Tests.Infrastructure;
using EdgeTransfer.Testing;

namespace EdgeTransfer.Fleet.Tests;

/// <summary><c>fleet fit</c> and <c>fleet rollback --anomaly</c> (issue 10): anomaly models on many devices, per-device results, failures on stderr.</summary>
public class FleetFitTests
{
    [MosquittoFact]
    public async Task Fit_ToAll_WaitsForEachDevicesResult_AndPutsTheRefusalOnStderr()
    {
        // Given two devices that fit and one without good images
        using var state = new TempDirectory();
        await using var broker = await MosquittoProcess.StartAsync();
        await using var d1 = await SimulatedDevice.StartAsync(broker.Port, "d1", state.Path);
        await using var d2 = await SimulatedDevice.StartAsync(broker.Port, "d2", state.Path);
        await using var d3 = await SimulatedDevice.StartAsync(broker.Port, "d3", state.Path, fitRefusal: "inspection.anomaly.goodImages is not set in device.json. Nothing was changed.");

        // When every online device is asked to fit
        var result = await CliRunner.RunAsync("fleet", "fit", "all", "--fit-timeout", "20", "--broker", $"127.0.0.1:{broker.Port}", "--fleet", SimulatedDevice.Fleet);

        // Then the two results are on stdout with the model, threshold and AUROC, the refusal on stderr, exit 1
        Assert.True(result.ExitCode == ExitCodes.Failure, result.ToString());
        Assert.Contains("d1                   promoted  a0002 in service; 40 good images, threshold 1.2500", result.Output, StringComparison.Ordinal);
        Assert.Contains("image AUROC 0.990", result.Output, StringComparison.Ordinal);
        Assert.Contains("d2                   promoted", result.Output, StringComparison.Ordinal);
        Assert.Contains("d3                   REFUSED   failed: inspection.anomaly.goodImages is not set", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("d3 ", result.Output, StringComparison.Ordinal);
        Assert.Contains("3 device(s): 2 promoted, 0 kept by the quality gate, 1 failed.", result.Output, StringComparison.Ordinal);
        Assert.Contains("fit defects=", d1.Commands);
    }

    [MosquittoFact]
    public async Task Fit_AsJson_WithoutDefects_GivesEveryResultInFull()
    {
        using var state = new TempDirectory();
        await using var broker = await MosquittoProcess.StartAsync();
        await using var d1 = await SimulatedDevice.StartAsync(broker.Port, "d1", state.Path);

        var result = await CliRunner.RunAsync("fleet", "fit", "d1", "--no-defects", "--json", "--broker", $"127.0.0.1:{broker.Port}", "--fleet", SimulatedDevice.Fleet);

        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        Assert.Contains("fit defects=False", d1.Commands);
        using var json = JsonDocument.Parse(result.Output);
        Assert.True(json.RootElement.GetProperty("allPromoted").GetBoolean());
        var device = json.RootElement.GetProperty("devices")[0];
        Assert.Equal("promoted", device.GetProperty("outcome").GetString());
        Assert.Equal("a0002", device.GetProperty("result").GetProperty("anomalyModel").GetString());
        Assert.Equal(1_280_000, device.GetProperty("result").GetProperty("bankBytes").GetInt64());
    }

    [MosquittoFact]
    public async Task Fit_ToAnAbsentDevice_TimesOutOnStderr()
    {
        using var state = new TempDirectory();
        await using var broker = await MosquittoProcess.StartAsync();

        var result = await CliRunner.RunAsync("fleet", "fit", "ghost", "--timeout", "1", "--broker", $"127.0.0.1:{broker.Port}", "--fleet", SimulatedDevice.Fleet);

        Assert.True(result.ExitCode == ExitCodes.Failure, result.ToString());
        Assert.Contains("ghost", result.Error, StringComparison.Ordinal);
        Assert.Contains("TIMEOUT", result.Error, StringComparison.Ordinal);
    }

    [MosquittoFact]
    public async Task RollbackAnomaly_ToAll_RollsBackTheAnomalyModelOfEveryOnlineDevice()
    {
        using var state = new TempDirectory();
        await using var broker = await MosquittoProcess.StartAsync();
        await using var d1 = await SimulatedDevice.StartAsync(broker.Port, "d1", state.Path);
        await using var d2 = await SimulatedDevice.StartAsync(broker.Port, "d2", state.Path);

        var result = await CliRunner.RunAsync("fleet", "rollback", "all", "--anomaly", "--broker", $"127.0.0.1:{broker.Port}", "--fleet", SimulatedDevice.Fleet);

        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        Assert.Contains("rollback anomaly", d1.Commands);
        Assert.Contains("rollback anomaly", d2.Commands);
    }

    [Fact]
    public void RollbackAnomaly_WithAHeadVersion_IsRefusedBeforeConnecting()
    {
        var result = CliRunner.Run("fleet", "rollback", "d1", "--anomaly", "--head-version", "3", "--broker", "127.0.0.1:1");

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("--head-version: not with --anomaly", result.Error, StringComparison.Ordinal);
    }
}
