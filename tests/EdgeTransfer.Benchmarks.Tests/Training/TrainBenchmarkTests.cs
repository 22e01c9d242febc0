using System.Text.Json;
using EdgeTransfer.Benchmarks.Training;

namespace EdgeTransfer.Benchmarks.Tests.Training;

public class TrainBenchmarkTests
{
    private static readonly TrainBenchmarkOptions Tiny = new() { Samples = 40, Epochs = 2, BatchSize = 8, Repeats = 1, Classes = 3, FeatureSize = 16 };

    [Fact]
    public void Run_TimesEveryConfiguration_AndTheBaselineTrainsTheSameHead()
    {
        // Given a tiny workload
        // When the benchmark runs
        var report = TrainBenchmark.Run(Tiny);

        // Then the judged configuration comes first, 1/2 threads and spinning are compared, the baseline is last,
        // every one took the same steps, and ORT and the plain loop reached the same losses
        Assert.Equal(1, report.Primary.Threads);
        Assert.Equal(4, report.Configurations.Count);
        Assert.Contains(report.Configurations, c => c.Threads == 2 && c.Spinning);
        Assert.True(report.Configurations[^1].IsBaseline);
        Assert.All(report.Configurations, c => Assert.Equal(2 * 5, c.Steps));
        Assert.True(report.MaxLossDifference < 1e-4, $"epoch losses differ by {report.MaxLossDifference}");
        Assert.True(report.SpeedupOverBaseline > 0);
    }

    [Fact]
    public void ToJson_IsOneWellFormedObject_WithRatioAndTarget()
    {
        var report = TrainBenchmark.Run(Tiny);

        using var json = JsonDocument.Parse(report.ToJson());

        var root = json.RootElement;
        Assert.Equal("train", root.GetProperty("benchmark").GetString());
        Assert.Equal(4, root.GetProperty("configurations").GetArrayLength());
        Assert.True(root.GetProperty("speedupOverPlainCSharp").GetDouble() > 0);
        var target = root.GetProperty("targets")[0];
        Assert.Equal("train-1000x30-linear-batch32", target.GetProperty("name").GetString());
        Assert.Contains("not the issue's workload", target.GetProperty("note").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Run_WithAnMlpHead_HasNoBaseline()
    {
        var report = TrainBenchmark.Run(new TrainBenchmarkOptions { Samples = 20, Epochs = 1, BatchSize = 8, Repeats = 1, Classes = 2, FeatureSize = 8, Head = "mlp:4" });

        Assert.Null(report.Baseline);
        Assert.True(double.IsNaN(report.SpeedupOverBaseline));
        Assert.Equal(3, report.Configurations.Count);
    }

    [Theory]
    [InlineData("--samples", 0, 30, 32, "linear")]
    [InlineData("--epochs", 10, 0, 32, "linear")]
    [InlineData("--batch", 10, 1, 0, "linear")]
    [InlineData("--head", 10, 1, 8, "conv")]
    public void Run_RejectsBadOptions_NamingTheOption(string option, int samples, int epochs, int batch, string head)
    {
        var error = Assert.Throws<InvalidSettingException>(() => TrainBenchmark.Run(new TrainBenchmarkOptions { Samples = samples, Epochs = epochs, BatchSize = batch, Head = head }));

        Assert.Equal(option, error.Setting);
    }
}
