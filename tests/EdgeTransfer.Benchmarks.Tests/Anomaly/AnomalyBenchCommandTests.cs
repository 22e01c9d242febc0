using System.Text.Json;
using EdgeTransfer.Cli;
using EdgeTransfer.Synthetic;

namespace EdgeTransfer.Benchmarks.Tests.Anomaly;

public sealed class AnomalyBenchCommandTests : IDisposable
{
    private readonly WorkDirectory _work = new();

    [Fact]
    public void BenchAnomaly_OnATinySyntheticMvtecSet_ReportsEveryRunAndSeparatesDefectsFromGoodParts()
    {
        // Given a tiny synthetic category in the MVTec AD layout (6 good training parts, 4 good and 6 defect test parts)
        var data = _work.Combine("mvtec");
        SyntheticMvtecDataset.Write(data, new SyntheticMvtecOptions { Category = "part", Defects = ["scratch", "hole"], TrainGood = 6, TestGood = 4, TestPerDefect = 3 });
        using var output = new StringWriter();
        using var error = new StringWriter();

        // When the anomaly benchmark runs on it with a bundle prepared on the spot
        var code = CliApp.Run(["bench", "anomaly", "--data", data, "--shots", "1,all", "--calibration-images", "4", "--fit-parts", "8", "--json"], output, error);

        // Then it writes one JSON report with a run per backbone, bank and shot count
        Assert.True(code == ExitCodes.Success, error.ToString());
        using var json = JsonDocument.Parse(output.ToString());
        var root = json.RootElement;
        Assert.Equal("anomaly", root.GetProperty("benchmark").GetString());
        Assert.True(root.GetProperty("machine").GetProperty("logicalCores").GetInt32() > 0);
        var runs = root.GetProperty("runs").EnumerateArray().ToArray();
        Assert.Equal(8, runs.Length);
        Assert.Equal(["float", "int8"], runs.Select(r => r.GetProperty("backbone").GetString()).Distinct().Order());
        Assert.Equal(["default", "full"], runs.Select(r => r.GetProperty("bank").GetString()).Distinct().Order());
        Assert.Equal(8, root.GetProperty("means").GetArrayLength());
        Assert.Equal(8, root.GetProperty("fitTiming").GetProperty("parts").GetInt32());
        Assert.Contains(root.GetProperty("targets").EnumerateArray(), t => t.GetProperty("name").GetString() == "int8-vs-float");

        // One good image gives no threshold: no F1 and no false-reject rate, and the output says so
        foreach (var one in runs.Where(r => r.GetProperty("shots").GetString() == "1"))
        {
            Assert.False(one.GetProperty("thresholdFitted").GetBoolean());
            Assert.Equal(JsonValueKind.Null, one.GetProperty("f1").ValueKind);
            Assert.Equal(JsonValueKind.Number, one.GetProperty("imageAuroc").ValueKind);
        }

        Assert.Contains(root.GetProperty("notes").EnumerateArray(), n => n.GetString()!.Contains("no threshold", StringComparison.Ordinal));

        // And with all good images, every configuration separates defects from good parts far above chance
        foreach (var all in runs.Where(r => r.GetProperty("shots").GetString() == "all"))
        {
            Assert.True(all.GetProperty("thresholdFitted").GetBoolean());
            Assert.Equal(6, all.GetProperty("goodImages").GetInt32());
            Assert.InRange(all.GetProperty("imageAuroc").GetDouble(), 0.7, 1.0);
            Assert.InRange(all.GetProperty("pixelAuroc").GetDouble(), 0.8, 1.0);
            Assert.True(all.GetProperty("scoringMsPerFrame").GetDouble() > 0);
            Assert.True(all.GetProperty("backboneMsPerFrame").GetDouble() > 0);
        }

        // The full bank keeps every patch at full length, so it is larger than the default one
        var full = runs.First(r => r.GetProperty("bank").GetString() == "full" && r.GetProperty("shots").GetString() == "all");
        var device = runs.First(r => r.GetProperty("bank").GetString() == "default" && r.GetProperty("shots").GetString() == "all");
        Assert.True(full.GetProperty("bankBytes").GetInt64() > device.GetProperty("bankBytes").GetInt64());
    }

    [Theory]
    [InlineData("--data", "bench", "anomaly", "--data", "/nonexistent/edgetransfer-anomaly-data")]
    [InlineData("--shots", "bench", "anomaly", "--data", ".", "--shots", "1,none")]
    [InlineData("--shots", "bench", "anomaly", "--data", ".", "--shots", "0")]
    [InlineData("--threads", "bench", "anomaly", "--data", ".", "--threads", "-1")]
    public void BadArgument_IsAUsageError_NamingTheOption(string option, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var code = CliApp.Run(args, output, error);

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains(option, error.ToString(), StringComparison.Ordinal);
        Assert.Equal(string.Empty, output.ToString());
    }

    public void Dispose() => _work.Dispose();
}
