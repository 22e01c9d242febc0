using EdgeTransfer.Runtime.Learning;
using EdgeTransfer.Runtime.Storage;
using EdgeTransfer.Testing;

namespace EdgeTransfer.Runtime.Tests.Learning;

public sealed class SampleSplitTests
{
    private static readonly string[] Classes = ["good", "scratch", "dent"];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void CopiesOfOneFrame_NeverLandInBothSplits(int seed)
    {
        // Given 12 frames per class, each stored one to six times (as repeated labels of one frame used to do)
        using var temp = new TempDirectory();
        var samples = Fill(temp.Path, framesPerClass: 12, copies: f => 1 + (f % 6));

        // When they are split
        var split = SampleSplit.TryCreate(samples, 4, Classes, 0.25, 6, 1, 1, seed, out var refusal);

        // Then every frame is on one side only, and every class is on both sides
        Assert.NotNull(split);
        Assert.Null(refusal);
        var training = Rows(split.Training);
        var validation = Rows(split.Validation);
        Assert.Empty(training.Intersect(validation));
        Assert.Equal(samples.Count, split.Training.Count + split.Validation.Count);
        Assert.All(split.ValidationCounts, c => Assert.True(c > 0));
        Assert.All(split.TrainingCounts, c => Assert.True(c > 0));
    }

    [Fact]
    public void AClassOfOneFrameStoredManyTimes_IsTooFewToSplit()
    {
        using var temp = new TempDirectory();
        var samples = Fill(temp.Path, framesPerClass: 5, copies: _ => 1, extra: ("dent", 20));

        var split = SampleSplit.TryCreate(samples, 4, Classes, 0.25, 3, 1, 2, 1, out var refusal);

        Assert.Null(split);
        Assert.Contains("'dent' has 1 distinct frames", refusal, StringComparison.Ordinal);
    }

    private static HashSet<string> Rows(Training.FeatureSet set) =>
        [.. Enumerable.Range(0, set.Count).Select(i => string.Join(",", set.Row(i).ToArray()))];

    private static SampleSet Fill(string directory, int framesPerClass, Func<int, int> copies, (string Label, int Copies)? extra = null)
    {
        using var store = SampleStore.Open(directory, new SampleStoreSchema(4, Classes), new SampleStoreOptions { MaxPerClass = 10_000 });
        var frame = 0;
        foreach (var label in Classes)
        {
            var count = extra is { } e && e.Label == label ? 1 : framesPerClass;
            for (var f = 0; f < count; f++, frame++)
            {
                float[] features = [frame, label.Length, f, 1];
                var times = extra is { } x && x.Label == label ? x.Copies : copies(f);
                for (var k = 0; k < times; k++)
                {
                    store.Add(label, features, frame.ToString(System.Globalization.CultureInfo.InvariantCulture));
                }
            }
        }

        return store.ReadAll();
    }
}
