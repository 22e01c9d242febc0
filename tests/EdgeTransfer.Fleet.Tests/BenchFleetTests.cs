using System.Text.Json;
using EdgeTransfer.Cli;
using EdgeTransfer.Fleet.Tests.Infrastructure;
using EdgeTransfer.Testing;

namespace EdgeTransfer.Fleet.Tests;

/// <summary><c>bench fleet</c> at a tiny setting: a well-formed report (the figures themselves are the benchmark's business, not a test's).</summary>
public class BenchFleetTests
{
    [Fact]
    public void BenchFleet_WritesAWellFormedReport_WithATinySetting()
    {
        var result = CliRunner.Run("bench", "fleet", "--devices", "20", "--seconds", "3", "--baseline-seconds", "1", "--drain-seconds", "3", "--json");

        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        using var json = JsonDocument.Parse(result.Output);
        var root = json.RootElement;
        Assert.Equal("fleet", root.GetProperty("benchmark").GetString());
        Assert.True(root.GetProperty("machine").GetProperty("logicalCores").GetInt32() > 0);
        Assert.False(string.IsNullOrEmpty(root.GetProperty("broker").GetString()));
        var fleet = root.GetProperty("fleet");
        Assert.Equal(20, fleet.GetProperty("devices").GetInt32());
        Assert.True(fleet.GetProperty("sent").GetInt64() > 0);
        Assert.True(fleet.GetProperty("delivered").GetInt64() <= fleet.GetProperty("sent").GetInt64());
        foreach (var key in new[] { "p50", "p95", "p99", "max" })
        {
            Assert.Equal(JsonValueKind.Number, fleet.GetProperty("latencyMs").GetProperty(key).ValueKind);
        }

        Assert.True(fleet.TryGetProperty("duplicates", out _));
        Assert.True(fleet.TryGetProperty("gaps", out _));
        Assert.Equal(JsonValueKind.Number, root.GetProperty("connectSeconds").ValueKind);
        Assert.Equal(1, root.GetProperty("baseline").GetProperty("devices").GetInt32());
        Assert.True(root.TryGetProperty("p99Ratio", out _));
        Assert.Equal(2, root.GetProperty("targets").GetArrayLength());
    }

    [Fact]
    public void BenchFleet_SaysSo_WhenItUsesTheEmbeddedBroker()
    {
        var result = CliRunner.Run("bench", "fleet", "--embedded", "--devices", "10", "--seconds", "2", "--baseline-seconds", "0", "--drain-seconds", "3");

        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        Assert.Contains("embedded MQTTnet broker", result.Output, StringComparison.Ordinal);
        Assert.Contains("| fleet | 10 |", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void BenchFleet_FailsWithExit2_WhenSharedConsumersMeetTheEmbeddedBroker()
    {
        var result = CliRunner.Run("bench", "fleet", "--embedded", "--devices", "10", "--seconds", "2", "--consumers", "2");

        Assert.True(result.ExitCode == ExitCodes.Usage, result.ToString());
        Assert.Contains("--consumers", result.Error, StringComparison.Ordinal);
        Assert.Contains("shared subscriptions", result.Error, StringComparison.Ordinal);
    }

    [MosquittoFact]
    public void BenchFleet_SplitsTheFleetBetweenSharedConsumers_OnMosquitto()
    {
        var result = CliRunner.Run("bench", "fleet", "--devices", "10", "--seconds", "2", "--consumers", "2", "--baseline-seconds", "0", "--drain-seconds", "3", "--json");

        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        using var json = JsonDocument.Parse(result.Output);
        Assert.Equal("bench", json.RootElement.GetProperty("workload").GetProperty("share").GetString());
        var fleet = json.RootElement.GetProperty("fleet");
        Assert.Equal(0, fleet.GetProperty("duplicates").GetInt64());
    }

    [Fact]
    public void BenchFleet_FailsWithExit2_WhenTheSettingIsOutOfRange()
    {
        var result = CliRunner.Run("bench", "fleet", "--devices", "0");
        Assert.True(result.ExitCode == ExitCodes.Usage, result.ToString());
        Assert.Contains("--devices", result.Error, StringComparison.Ordinal);
    }
}
