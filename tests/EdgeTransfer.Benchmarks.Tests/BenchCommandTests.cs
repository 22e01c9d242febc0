using EdgeTransfer.Cli;

namespace EdgeTransfer.Benchmarks.Tests;

public class BenchCommandTests
{
    [Theory]
    [InlineData("--runs", "bench", "backbone", "--runs", "0")]
    [InlineData("--threads", "bench", "backbone", "--threads", "0")]
    [InlineData("--spinning", "bench", "backbone", "--spinning", "sometimes")]
    [InlineData("--data", "bench", "backbone", "--data", "/nonexistent/edgetransfer-bench-data")]
    [InlineData("--samples", "bench", "train", "--samples", "0")]
    [InlineData("--head", "bench", "train", "--head", "conv")]
    [InlineData("--repeats", "bench", "train", "--repeats", "x")]
    public void BadArgument_IsAUsageError_NamingTheOption(string option, params string[] args)
    {
        // Given a command line with one bad value
        using var output = new StringWriter();
        using var error = new StringWriter();

        // When it runs
        var code = CliApp.Run(args, output, error);

        // Then it fails as a usage error, names the option, and writes no figures
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains(option, error.ToString(), StringComparison.Ordinal);
        Assert.Equal(string.Empty, output.ToString());
    }

    [Fact]
    public void BenchTrain_WithTinySettings_WritesJsonToStandardOutput()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var code = CliApp.Run(["bench", "train", "--samples", "20", "--epochs", "1", "--batch", "8", "--repeats", "1", "--feature-size", "8", "--json"], output, error);

        Assert.Equal(ExitCodes.Success, code);
        using var json = System.Text.Json.JsonDocument.Parse(output.ToString());
        Assert.Equal("train", json.RootElement.GetProperty("benchmark").GetString());
    }
}
