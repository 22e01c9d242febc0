namespace EdgeTransfer.Cli.Tests;

public class DemoCommandTests
{
    [Fact]
    public void Demo_RunsTheWholeFlow_AndEndsWithAReport()
    {
        // Given the demo on small settings (the README's command uses 40 parts per class and 200 evaluation parts)
        // When it runs end to end: prepare, broker, device, labelling over MQTT, training, fleet view
        var result = CliRunner.Run("demo", "--parts-per-class", "12", "--evaluation-parts", "20", "--anomaly-good-parts", "8");

        // Then it reports both accuracies, the promotion and what reached the fleet view
        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        Assert.Contains("accuracy before training", result.Output, StringComparison.Ordinal);
        Assert.Contains("accuracy after training", result.Output, StringComparison.Ordinal);
        Assert.Contains("fleet view", result.Output, StringComparison.Ordinal);
        Assert.Contains("0 lost (seq gaps)", result.Output, StringComparison.Ordinal);

        // And the normal-only act: fitted from 8 good parts on the device, image AUROC, each defect kind, a map
        Assert.Contains("8 good parts, no defect shown; a0001 in service", result.Output, StringComparison.Ordinal);
        Assert.Contains("image AUROC", result.Output, StringComparison.Ordinal);
        Assert.Contains("'hole' never shown", result.Output, StringComparison.Ordinal);
        Assert.Contains("anomaly map of the median defect part", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Demo_Exits2_OnTooFewAnomalyGoodParts()
    {
        var result = CliRunner.Run("demo", "--anomaly-good-parts", "3");
        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("--anomaly-good-parts", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Demo_Exits2_OnTooFewPartsPerClass()
    {
        var result = CliRunner.Run("demo", "--parts-per-class", "2");
        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("--parts-per-class", result.Error, StringComparison.Ordinal);
    }
}
