using EdgeTransfer.Agent.Anomaly;
using EdgeTransfer.Mqtt.Commands;
using EdgeTransfer.Runtime.Configuration;
using EdgeTransfer.Synthetic;
using EdgeTransfer.Testing;

namespace EdgeTransfer.Agent.Tests;

/// <summary>The checks an MQTT <c>fit</c> passes before any image is decoded: the good-image minimum from device.json.</summary>
public class FitImagesTests
{
    [Fact]
    public void BelowTheMinimumSetInDeviceJson_IsRefused_NamingTheKey()
    {
        using var temp = new TempDirectory();
        var category = WriteCategory(temp.Path, trainGood: 6);

        var error = Assert.Throws<CommandException>(() => FitImages.Check(new AnomalyInspectionOptions { GoodImages = category, MinGoodParts = 13 }, withDefects: false));

        Assert.Equal(CommandErrorCodes.Failed, error.Code);
        Assert.Contains("only 6 good images", error.Message, StringComparison.Ordinal);
        Assert.Contains("at least 13 (inspection.anomaly.minGoodParts in device.json)", error.Message, StringComparison.Ordinal);
        Assert.Contains("Nothing was changed", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AtTheMinimum_IsAccepted_AndBelowTheDefault_SaysWhatTheImagesAreFor()
    {
        using var temp = new TempDirectory();
        var six = WriteCategory(Path.Combine(temp.Path, "six"), trainGood: 6);
        var one = WriteCategory(Path.Combine(temp.Path, "one"), trainGood: 1);

        var (_, good, _, _) = FitImages.Check(new AnomalyInspectionOptions { GoodImages = six, MinGoodParts = 6 }, withDefects: false);
        var error = Assert.Throws<CommandException>(() => FitImages.Check(new AnomalyInspectionOptions { GoodImages = one }, withDefects: false));

        Assert.Equal(6, good);
        Assert.Contains("needs at least 2 (they build the memory bank", error.Message, StringComparison.Ordinal);
    }

    private static string WriteCategory(string root, int trainGood) =>
        SyntheticMvtecDataset.Write(root, new SyntheticMvtecOptions { Category = "part", Defects = ["scratch"], TrainGood = trainGood, TestGood = 1, TestPerDefect = 1, Size = 64, Seed = 5 }).Directory;
}
