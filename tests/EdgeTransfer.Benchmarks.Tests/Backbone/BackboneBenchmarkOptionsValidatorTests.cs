using EdgeTransfer.Benchmarks.Backbone;

namespace EdgeTransfer.Benchmarks.Tests.Backbone;

public class BackboneBenchmarkOptionsValidatorTests
{
    public static TheoryData<string, BackboneBenchmarkOptions> BadOptions => new()
    {
        { "--runs", new BackboneBenchmarkOptions { Runs = 0 } },
        { "--warmup", new BackboneBenchmarkOptions { Warmup = -1 } },
        { "--threads", new BackboneBenchmarkOptions { Threads = 0 } },
        { "--calibration-images", new BackboneBenchmarkOptions { CalibrationImages = 0 } },
        { "--batch-sizes", new BackboneBenchmarkOptions { BatchSizes = [] } },
        { "--train-per-class", new BackboneBenchmarkOptions { SyntheticTrainPerClass = 0 } },
        { "--head-epochs", new BackboneBenchmarkOptions { HeadEpochs = 0 } },
        { "--classes", new BackboneBenchmarkOptions { SyntheticClasses = ["good"] } },
        { "--data", new BackboneBenchmarkOptions { DataDirectory = "/nonexistent/edgetransfer-bench-data" } },
    };

    [Theory]
    [MemberData(nameof(BadOptions))]
    public void Validate_NamesTheOption_ThatCannotBeUsed(string option, BackboneBenchmarkOptions options)
    {
        var error = Assert.Throws<InvalidSettingException>(() => BackboneBenchmarkOptionsValidator.Validate(options));

        Assert.Equal(option, error.Setting);
    }

    [Fact]
    public void Validate_AcceptsTheDefaults() => BackboneBenchmarkOptionsValidator.Validate(new BackboneBenchmarkOptions());
}
