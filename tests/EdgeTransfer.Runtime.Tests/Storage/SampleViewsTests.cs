using EdgeTransfer.Runtime.Learning;
using EdgeTransfer.Runtime.Storage;
using EdgeTransfer.Testing;

namespace EdgeTransfer.Runtime.Tests.Storage;

/// <summary>Augmented views in the sample store: the part-of field, its survival across restarts, and what splits make of it.</summary>
public sealed class SampleViewsTests
{
    private static readonly string[] Classes = ["good", "scratch", "dent"];
    private static readonly SampleStoreSchema Schema = new(4, Classes);

    [Fact]
    public void ViewsStoredAsPartOfAFrame_KeepTheirPart_AfterARestartAndACompaction()
    {
        // Given a frame's sample, two views of it, and a frame without views
        using var temp = new TempDirectory();
        long frame, plain;
        using (var store = SampleStore.Open(temp.Path, Schema))
        {
            frame = store.Add("good", [1, 2, 3, 4], "7").Id;
            store.Add("good", [1.1f, 2, 3, 4], "7#view1", partOf: frame);
            store.Add("good", [0.9f, 2, 3, 4], "7#view2", partOf: frame);
            plain = store.Add("dent", [5, 6, 7, 8], "8").Id;
            store.Compact();
        }

        // When the store is opened again
        using var reopened = SampleStore.Open(temp.Path, Schema);
        var all = reopened.ReadAll();

        // Then the views name their frame, and every other sample is its own part
        Assert.Equal([frame, frame, frame, plain], all.Parts);
        Assert.Equal([null, frame, frame, null], reopened.Enumerate().Select(s => s.PartOf));
    }

    [Fact]
    public void AViewOfASampleThatDoesNotExistYet_IsRefused()
    {
        using var temp = new TempDirectory();
        using var store = SampleStore.Open(temp.Path, Schema);
        store.Add("good", [1, 2, 3, 4], "1");

        var error = Assert.Throws<ArgumentException>(() => store.Add("good", [1, 2, 3, 5], "1#view1", partOf: 5));

        Assert.Contains("Sample 5 does not exist yet", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, store.Count);
    }

    [Fact]
    public void RelabellingAFrame_RelabelsItsViews()
    {
        using var temp = new TempDirectory();
        using var store = SampleStore.Open(temp.Path, Schema);
        var labels = new FrameLabels(store);
        float[] frame = [1, 2, 3, 4];

        labels.Label("good", frame, "3", () => [[1.2f, 2, 3, 4], [0.8f, 2, 3, 4]]);
        var again = labels.Label("scratch", frame, "3", () => throw new InvalidOperationException("views of a known frame are not rendered again"));

        Assert.True(again.Replaced);
        Assert.All(store.Enumerate(), s => Assert.Equal("scratch", s.Label));
        Assert.Equal(3, store.Count);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Views_StayOnTheTrainingSideWithTheirFrame_AndValidationGradesOnlyFrames(int seed)
    {
        // Given 10 frames per class, each with two views (features that differ from the frame's)
        using var temp = new TempDirectory();
        using var store = SampleStore.Open(temp.Path, Schema, new SampleStoreOptions { MaxPerClass = 10_000 });
        var frameOf = new Dictionary<string, int>();
        var frame = 0;
        foreach (var label in Classes)
        {
            for (var f = 0; f < 10; f++, frame++)
            {
                var own = store.Add(label, [frame, 0, 0, 1], "f").Id;
                frameOf[Key([frame, 0, 0, 1])] = frame;
                for (var v = 1; v <= 2; v++)
                {
                    float[] view = [frame, v, 0, 1];
                    store.Add(label, view, "f#view", partOf: own);
                    frameOf[Key(view)] = frame;
                }
            }
        }

        // When the samples are split
        var split = SampleSplit.TryCreate(store.ReadAll(), 4, Classes, 0.3, 6, 1, 1, seed, out var refusal);

        // Then no frame has a sample on both sides, validation holds frames only, and training holds every view of its frames
        Assert.Null(refusal);
        Assert.NotNull(split);
        var training = Frames(split.Training, frameOf);
        var validation = Frames(split.Validation, frameOf);
        Assert.Empty(training.Keys.Intersect(validation.Keys));
        Assert.All(validation.Values, n => Assert.Equal(1, n));
        Assert.All(training.Values, n => Assert.Equal(3, n));
        Assert.Equal(9, split.Validation.Count);
        Assert.All(Enumerable.Range(0, split.Validation.Count), i => Assert.Equal(0, split.Validation.Row(i)[1]));
    }

    private static string Key(ReadOnlySpan<float> row) => string.Join(",", row.ToArray());

    private static Dictionary<int, int> Frames(Training.FeatureSet set, Dictionary<string, int> frameOf) =>
        Enumerable.Range(0, set.Count).GroupBy(i => frameOf[Key(set.Row(i))]).ToDictionary(g => g.Key, g => g.Count());
}
