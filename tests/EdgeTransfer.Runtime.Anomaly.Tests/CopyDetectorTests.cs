namespace EdgeTransfer.Runtime.Anomaly.Tests;

public class CopyDetectorTests
{
    [Theory]
    [MemberData(nameof(Layouts))]
    public void DifferentParts_AreNotCopies_AndEachRepeatIsFoundWhateverCameBetween(string layoutName)
    {
        var layout = layoutName == "small" ? SyntheticMaps.Small : SyntheticMaps.ResNet18;
        var detector = new CopyDetector();

        var firsts = Enumerable.Range(0, 20).Select(i => detector.CopyOf(SyntheticMaps.Good(layout, i), i)).ToList();
        var repeats = new[] { 13, 0, 19, 7 }.Select((part, k) => detector.CopyOf(SyntheticMaps.Good(layout, part), 20 + k)).ToList();

        Assert.All(firsts, f => Assert.Null(f));
        Assert.Equal([13, 0, 19, 7], repeats);
    }

    public static TheoryData<string> Layouts() => ["small", "resnet18"];

    [Fact]
    public void AMapScaledByMoreThanTheShare_IsNotACopy_ButOneWithinItIs()
    {
        var original = SyntheticMaps.Good(SyntheticMaps.Small, 1);
        var detector = new CopyDetector();
        detector.CopyOf(original, 0);

        Assert.Null(detector.CopyOf(Scaled(original, 1.03f), 1));
        Assert.Equal(0, detector.CopyOf(Scaled(original, 1.005f), 2));
    }

    [Fact]
    public void BlankImages_AreCopiesOfTheFirstBlank_ButNotOfABrighterOne()
    {
        var detector = new CopyDetector();

        Assert.Null(detector.CopyOf(SyntheticMaps.Constant(SyntheticMaps.Small, 0f, 0f), 0));
        Assert.Equal(0, detector.CopyOf(SyntheticMaps.Constant(SyntheticMaps.Small, 0f, 0f), 1));
        Assert.Null(detector.CopyOf(SyntheticMaps.Constant(SyntheticMaps.Small, 1f, 2f), 2));
        Assert.Equal(2, detector.CopyOf(SyntheticMaps.Constant(SyntheticMaps.Small, 1f, 2f), 3));
    }

    private static AnomalyFeatures Scaled(AnomalyFeatures features, float factor) => new(
        new FeatureMap(features.Stage2.Values.ToArray().Select(v => v * factor).ToArray(), features.Stage2.Shape),
        new FeatureMap(features.Stage3.Values.ToArray().Select(v => v * factor).ToArray(), features.Stage3.Shape));
}
