using EdgeTransfer.Runtime.Storage;
using EdgeTransfer.Testing;

namespace EdgeTransfer.Runtime.Tests.Storage;

public sealed class FrameLabelsTests
{
    private static readonly SampleStoreSchema Schema = new(4, ["good", "scratch", "dent"]);

    [Fact]
    public void SameFrameLabelledAgainAndAgain_KeepsOneSample_WithTheLastLabel()
    {
        using var temp = new TempDirectory();
        using var store = SampleStore.Open(temp.Path, Schema);
        var labels = new FrameLabels(store);
        float[] frame = [0.5f, -1, 2, 3];

        var first = labels.Label("good", frame, "7");
        var last = first;
        for (var i = 0; i < 50; i++)
        {
            last = labels.Label(i % 2 == 0 ? "scratch" : "dent", frame, "7");
        }

        Assert.False(first.Replaced);
        Assert.True(last.Replaced);
        Assert.Equal(first.Sample.Id, last.Sample.Id);
        var only = Assert.Single(store.Enumerate());
        Assert.Equal("dent", only.Label);
    }

    [Fact]
    public void OtherFrames_AreStored_AndAFrameFromBeforeARestartIsRecognised()
    {
        using var temp = new TempDirectory();
        float[] a = [1, 2, 3, 4];
        float[] b = [1, 2, 3, 4.0001f];
        using (var store = SampleStore.Open(temp.Path, Schema))
        {
            var labels = new FrameLabels(store);
            labels.Label("good", a, "1");
            labels.Label("good", b, "2");
            Assert.Equal(2, store.Count);
        }

        // Frame ids start again after a restart: frame "1" now is another frame, recognised by its features.
        using var reopened = SampleStore.Open(temp.Path, Schema);
        var again = new FrameLabels(reopened);
        var relabelled = again.Label("scratch", a, "1");
        var fresh = again.Label("good", [9, 9, 9, 9], "1");

        Assert.True(relabelled.Replaced);
        Assert.False(fresh.Replaced);
        Assert.Equal(3, reopened.Count);
        Assert.Equal(["scratch", "good", "good"], reopened.Enumerate().Select(s => s.Label));
    }

    [Fact]
    public void CopiesStoredBeforeTheIndex_AllTakeTheNewLabel()
    {
        using var temp = new TempDirectory();
        using var store = SampleStore.Open(temp.Path, Schema);
        float[] frame = [4, 3, 2, 1];
        for (var i = 0; i < 3; i++)
        {
            store.Add("good", frame, "5");
        }

        var result = new FrameLabels(store).Label("dent", frame, "5");

        Assert.True(result.Replaced);
        Assert.Equal(3, store.Count);
        Assert.All(store.Enumerate(), s => Assert.Equal("dent", s.Label));
    }
}
