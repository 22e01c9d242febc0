using EdgeTransfer.Runtime.Storage;
using EdgeTransfer.Runtime.Tests.Support;
using EdgeTransfer.Testing;

namespace EdgeTransfer.Runtime.Tests.Storage;

public class SampleStoreTests
{
    private static readonly SampleStoreSchema Schema = new(4, ["good", "scratch", "dent"], new string('a', 64));
    private static readonly DateTimeOffset Start = new(2026, 11, 26, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Add_ThenReopen_ReadAllReturnsEveryFeatureLabelAndFrameInOrder()
    {
        // Given a store with five samples of three classes, one with an audit JPEG
        using var temp = new TempDirectory();
        var time = new ManualTimeProvider(Start);
        var labels = new[] { "good", "scratch", "good", "dent", "scratch" };
        var jpeg = Jpeg(300);
        using (var store = SampleStore.Open(temp.Path, Schema, timeProvider: time))
        {
            for (var i = 0; i < labels.Length; i++)
            {
                store.Add(labels[i], Features(i), $"frame-{i}", i == 3 ? jpeg : default);
                time.Advance(TimeSpan.FromSeconds(1));
            }
        }

        // When it is opened again
        using var reopened = SampleStore.Open(temp.Path, Schema);
        var set = reopened.ReadAll();
        var samples = reopened.Enumerate();

        // Then features, labels, frame ids, times and the JPEG are all back, oldest first, nothing skipped
        Assert.Equal(5, set.Count);
        Assert.Equal(new long[] { 0, 1, 0, 2, 1 }, set.Labels);
        Assert.Equal(new long[] { 0, 1, 2, 3, 4 }, set.Ids);
        for (var i = 0; i < labels.Length; i++)
        {
            Assert.Equal(Features(i), set.FeaturesOf(i).ToArray());
            Assert.Equal($"frame-{i}", samples[i].FrameId);
            Assert.Equal(labels[i], samples[i].Label);
            Assert.Equal(Start.AddSeconds(i), samples[i].Timestamp);
        }

        Assert.Equal(jpeg, reopened.ReadJpeg(3));
        Assert.Null(reopened.ReadJpeg(2));
        Assert.Equal(new[] { 2, 2, 1 }, set.CountsByClassIndex);
        Assert.Equal(2, reopened.CountOf("scratch"));
        Assert.Equal(0, reopened.Statistics.SkippedRecords);
    }

    [Theory]
    [InlineData(4, 3)] // three bytes into the last record's header
    [InlineData(4, 8)] // inside the header, after the length
    [InlineData(4, 12)] // the header whole, no payload
    [InlineData(4, 40)] // in the middle of the features
    [InlineData(4, -1)] // one byte short of the end
    [InlineData(2, 20)] // in the middle of the third record: the two before it survive
    public void Open_SkipsTornTail_AndKeepsEveryWholeRecord(int tornRecord, int cut)
    {
        // Given five samples in one segment, the file cut inside record `tornRecord` (a power cut during an append)
        using var temp = new TempDirectory();
        var records = WriteSamples(temp.Path, 5);
        var segment = SingleSegment(temp.Path);
        var start = records.Take(tornRecord).Sum(r => (long)r.RecordBytes);
        var length = cut >= 0 ? start + cut : start + records[tornRecord].RecordBytes + cut;
        Truncate(segment, length);

        // When the store is opened
        using var store = SampleStore.Open(temp.Path, Schema);

        // Then every record before the cut survives and the torn tail is reported once, as a torn tail
        Assert.Equal(Enumerable.Range(0, tornRecord).Select(i => (long)i), store.ReadAll().Ids);
        var skipped = Assert.Single(store.Statistics.Skipped);
        Assert.True(skipped.IsTornTail, skipped.Reason);
        Assert.Equal(start, skipped.Offset);
        Assert.Contains("torn tail", skipped.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_AfterCutExactlyBetweenRecords_ReportsNothing()
    {
        // Given a segment cut right after its third record
        using var temp = new TempDirectory();
        var records = WriteSamples(temp.Path, 5);
        Truncate(SingleSegment(temp.Path), records.Take(3).Sum(r => (long)r.RecordBytes));

        // When the store is opened
        using var store = SampleStore.Open(temp.Path, Schema);

        // Then three samples are there and nothing is reported
        Assert.Equal(3, store.Count);
        Assert.Equal(0, store.Statistics.SkippedRecords);
    }

    [Theory]
    [InlineData(0)] // the magic
    [InlineData(5)] // the length
    [InlineData(9)] // the CRC
    [InlineData(12)] // the record kind
    [InlineData(45)] // a feature value
    public void Open_SkipsRecordWithFlippedByte_AndKeepsTheOthers(int byteInRecord)
    {
        // Given five samples, one byte of the third record flipped on the medium
        using var temp = new TempDirectory();
        var records = WriteSamples(temp.Path, 5);
        var segment = SingleSegment(temp.Path);
        var bytes = File.ReadAllBytes(segment);
        var offset = records.Take(2).Sum(r => r.RecordBytes) + byteInRecord;
        bytes[offset] ^= 0x10;
        File.WriteAllBytes(segment, bytes);

        // When the store is opened
        using var store = SampleStore.Open(temp.Path, Schema);
        var set = store.ReadAll();

        // Then the damaged sample is skipped and reported, the four others are intact
        Assert.Equal(new long[] { 0, 1, 3, 4 }, set.Ids);
        Assert.Equal(Features(4), set.FeaturesOf(3).ToArray());
        var skipped = Assert.Single(store.Statistics.Skipped);
        Assert.False(skipped.IsTornTail);
        Assert.Equal(records.Take(2).Sum(r => r.RecordBytes), skipped.Offset);
        Assert.Equal(records[2].RecordBytes, skipped.Bytes);
        Assert.Contains(Path.GetFileName(segment), skipped.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Add_AfterDamage_WritesToANewSegment_AndEverythingSurvivesReopen()
    {
        // Given a store whose segment has a torn tail
        using var temp = new TempDirectory();
        var records = WriteSamples(temp.Path, 3);
        var segment = SingleSegment(temp.Path);
        Truncate(segment, records.Sum(r => (long)r.RecordBytes) - 7);
        var damagedBytes = File.ReadAllBytes(segment);

        // When samples are added after opening it, and it is opened again
        using (var store = SampleStore.Open(temp.Path, Schema))
        {
            store.Add("dent", Features(10), "frame-10");
            store.Add("dent", Features(11), "frame-11");
        }

        using var reopened = SampleStore.Open(temp.Path, Schema);

        // Then the damaged file was not touched, the new samples are in a second segment, and all whole samples are there
        Assert.Equal(damagedBytes, File.ReadAllBytes(segment));
        Assert.Equal(2, reopened.Statistics.Segments);
        Assert.Equal(new long[] { 0, 1, 2, 3 }, reopened.ReadAll().Ids);
        Assert.Equal(Features(11), reopened.ReadFeatures(3));
        Assert.Equal(1, reopened.Statistics.SkippedRecords);
    }

    [Fact]
    public void Add_EvictsOldestOfTheClass_WhenTheClassIsFull()
    {
        // Given a store that keeps three samples per class
        using var temp = new TempDirectory();
        var options = new SampleStoreOptions { MaxPerClass = 3 };
        using (var store = SampleStore.Open(temp.Path, Schema, options))
        {
            // When five scratches and two good parts are added
            for (var i = 0; i < 5; i++)
            {
                store.Add("scratch", Features(i), $"s{i}");
            }

            store.Add("good", Features(5), "g5");
            store.Add("good", Features(6), "g6");

            // Then the two oldest scratches are gone and the good parts are untouched
            Assert.Equal(3, store.CountOf("scratch"));
            Assert.Equal(2, store.CountOf("good"));
            Assert.Equal(2, store.Statistics.Evicted);
        }

        // And the eviction survives a restart
        using var reopened = SampleStore.Open(temp.Path, Schema, options);
        Assert.Equal(new long[] { 2, 3, 4, 5, 6 }, reopened.ReadAll().Ids);
    }

    [Fact]
    public void Add_EvictsOldestOfAnyClass_WhenTheByteLimitIsReached()
    {
        // Given a 1 MiB store and samples of about 200 kB (with their JPEGs) of alternating classes
        using var temp = new TempDirectory();
        var options = new SampleStoreOptions { MaxTotalBytes = 1 << 20, SegmentBytes = 1 << 20 };
        using var store = SampleStore.Open(temp.Path, Schema, options);
        var jpeg = Jpeg(200_000);

        // When seven are added
        for (var i = 0; i < 7; i++)
        {
            store.Add(i % 2 == 0 ? "good" : "dent", Features(i), $"f{i}", jpeg);
        }

        // Then the oldest two are gone, whatever their class, and the live bytes are within the limit
        var stats = store.Statistics;
        Assert.Equal(new long[] { 2, 3, 4, 5, 6 }, store.ReadAll().Ids);
        Assert.True(stats.LiveBytes <= options.MaxTotalBytes, $"{stats.LiveBytes} bytes live");
        Assert.Equal(2, stats.Evicted);
    }

    [Fact]
    public void Compaction_ReclaimsEvictedSamples_AndKeepsEveryLiveOne()
    {
        // Given a small store that evicts a lot
        using var temp = new TempDirectory();
        var options = new SampleStoreOptions { MaxTotalBytes = 1 << 20, SegmentBytes = 64 << 10 };
        var jpeg = Jpeg(50_000);
        long[] ids;
        using (var store = SampleStore.Open(temp.Path, Schema, options))
        {
            // When many more samples are added than fit
            for (var i = 0; i < 120; i++)
            {
                store.Add(Schema.Classes[i % 3], Features(i), $"f{i}", jpeg);
            }

            store.Relabel(store.Enumerate()[^1].Id, "good");
            ids = store.ReadAll().Ids;

            // Then compaction ran and kept the disk use near the limit
            var stats = store.Statistics;
            Assert.True(stats.Compactions > 0);
            Assert.True(stats.DiskBytes < options.MaxTotalBytes * 1.25 + options.SegmentBytes + 100_000, $"{stats.DiskBytes} bytes on disk");
        }

        // And after a restart the same samples are there, whole, with their JPEGs and labels
        using var reopened = SampleStore.Open(temp.Path, Schema, options);
        var set = reopened.ReadAll();
        Assert.Equal(ids, set.Ids);
        Assert.Equal(Features(119), reopened.ReadFeatures(119));
        Assert.Equal(jpeg, reopened.ReadJpeg(119));
        Assert.Equal("good", reopened.Enumerate()[^1].Label);
        Assert.Equal(0, reopened.Statistics.SkippedRecords);
        Assert.Empty(Directory.GetFiles(temp.Path, "*.tmp-write"));
    }

    [Fact]
    public void Compact_ThenCrashBeforeOldSegmentsAreDeleted_KeepsEachSampleOnce()
    {
        // Given a store whose segment was copied by a compaction that was killed before deleting the old one
        using var temp = new TempDirectory();
        WriteSamples(temp.Path, 4);
        var segment = SingleSegment(temp.Path);
        File.Copy(segment, Path.Combine(temp.Path, "seg-000009.ets"));
        File.WriteAllBytes(Path.Combine(temp.Path, "seg-000010.ets.1a2b3c4d.tmp-write"), [1, 2, 3]);

        // When it is opened
        using var store = SampleStore.Open(temp.Path, Schema);

        // Then every sample is there once and the leftover temporary file is gone
        Assert.Equal(new long[] { 0, 1, 2, 3 }, store.ReadAll().Ids);
        Assert.Empty(Directory.GetFiles(temp.Path, "*.tmp-write"));
    }

    [Fact]
    public void DeleteAndRelabel_SurviveReopen()
    {
        // Given four samples, one deleted and one relabelled
        using var temp = new TempDirectory();
        WriteSamples(temp.Path, 4);
        using (var store = SampleStore.Open(temp.Path, Schema))
        {
            Assert.True(store.Delete(1));
            Assert.False(store.Delete(1));
            Assert.True(store.Relabel(2, "dent"));
            Assert.False(store.Relabel(99, "dent"));
        }

        // When it is opened again
        using var reopened = SampleStore.Open(temp.Path, Schema);

        // Then the deletion and the new label are still there
        Assert.Equal(new long[] { 0, 2, 3 }, reopened.ReadAll().Ids);
        Assert.Equal("dent", reopened.Enumerate().Single(s => s.Id == 2).Label);
    }

    [Fact]
    public void Open_WithLowerLimitThanBefore_EvictsOldestAtOnce()
    {
        // Given six scratches stored under the default limits
        using var temp = new TempDirectory();
        using (var store = SampleStore.Open(temp.Path, Schema))
        {
            for (var i = 0; i < 6; i++)
            {
                store.Add("scratch", Features(i), $"s{i}");
            }
        }

        // When the store is opened with a limit of four per class
        using var reopened = SampleStore.Open(temp.Path, Schema, new SampleStoreOptions { MaxPerClass = 4 });

        // Then the two oldest are evicted
        Assert.Equal(new long[] { 2, 3, 4, 5 }, reopened.ReadAll().Ids);
    }

    [Fact]
    public void Open_WithAnotherFeatureDimension_ThrowsNamingBoth_AndChangesNothing()
    {
        // Given a store of 4-float samples
        using var temp = new TempDirectory();
        WriteSamples(temp.Path, 2);
        var before = Directory.GetFiles(temp.Path).ToDictionary(f => f, File.ReadAllBytes);

        // When it is opened for a bundle with 8 features
        var error = Assert.Throws<SampleStoreException>(() => SampleStore.Open(temp.Path, Schema with { FeatureDimension = 8 }));

        // Then the error says both sizes and what to do, and no file changed
        Assert.Contains("4 features", error.Message, StringComparison.Ordinal);
        Assert.Contains("gives 8", error.Message, StringComparison.Ordinal);
        Assert.Contains("store.path", error.Message, StringComparison.Ordinal);
        Assert.All(before, f => Assert.Equal(f.Value, File.ReadAllBytes(f.Key)));
    }

    [Fact]
    public void Open_WithOtherClasses_Throws()
    {
        using var temp = new TempDirectory();
        WriteSamples(temp.Path, 1);
        var error = Assert.Throws<SampleStoreException>(() => SampleStore.Open(temp.Path, Schema with { Classes = ["good", "dent", "scratch"] }));
        Assert.Contains("[good, scratch, dent]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_WithFeaturesOfAnotherBackbone_Throws()
    {
        using var temp = new TempDirectory();
        WriteSamples(temp.Path, 1);
        var error = Assert.Throws<SampleStoreException>(() => SampleStore.Open(temp.Path, Schema with { FeatureSource = new string('b', 64) }));
        Assert.Contains("backbone", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_WhileOpenElsewhere_Throws()
    {
        using var temp = new TempDirectory();
        using var first = SampleStore.Open(temp.Path, Schema);
        var error = Assert.Throws<SampleStoreException>(() => SampleStore.Open(temp.Path, Schema));
        Assert.Contains("in use", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("scrach", "did you mean \"scratch\"")]
    [InlineData("../../etc/passwd", "the classes are good, scratch, dent")]
    [InlineData("Good", "did you mean \"good\"")]
    public void Add_WithALabelThatIsNotAClass_ThrowsAndCreatesNoFile(string label, string expected)
    {
        // Given an empty store
        using var temp = new TempDirectory();
        using var store = SampleStore.Open(temp.Path, Schema);
        var files = Directory.GetFileSystemEntries(temp.Path, "*", SearchOption.AllDirectories).Order().ToList();

        // When a sample with an unknown label is added
        var error = Assert.Throws<InvalidSettingException>(() => store.Add(label, Features(0), "f0"));

        // Then the error names the label and the classes, and nothing was written
        Assert.Equal("label", error.Setting);
        Assert.Contains(expected, error.Reason, StringComparison.Ordinal);
        Assert.Equal(files, Directory.GetFileSystemEntries(temp.Path, "*", SearchOption.AllDirectories).Order());
        Assert.Equal(0, store.Count);
    }

    [Fact]
    public void Add_RefusesNaNFeatures_WrongDimension_AndNonJpegAudit()
    {
        using var temp = new TempDirectory();
        using var store = SampleStore.Open(temp.Path, Schema);
        Assert.Contains("NaN", Assert.Throws<ArgumentException>(() => store.Add("good", [1, float.NaN, 0, 0], "f")).Message, StringComparison.Ordinal);
        Assert.Contains("4 per sample", Assert.Throws<ArgumentException>(() => store.Add("good", [1, 2], "f")).Message, StringComparison.Ordinal);
        Assert.Contains("JPEG", Assert.Throws<ArgumentException>(() => store.Add("good", Features(0), "f", "PNG!"u8)).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => store.Add("good", Features(0), "bad\nframe"));
        Assert.Equal(0, store.Count);
    }

    internal static float[] Features(int i) => [i, i + 0.5f, -i, 1f / (i + 1)];

    private static byte[] Jpeg(int length)
    {
        var bytes = new byte[length];
        new Random(length).NextBytes(bytes);
        bytes[0] = 0xFF;
        bytes[1] = 0xD8;
        bytes[2] = 0xFF;
        return bytes;
    }

    private static List<StoredSample> WriteSamples(string directory, int count)
    {
        using var store = SampleStore.Open(directory, Schema);
        for (var i = 0; i < count; i++)
        {
            store.Add(Schema.Classes[i % 3], Features(i), $"frame-{i}");
        }

        return [.. store.Enumerate()];
    }

    private static string SingleSegment(string directory) => Assert.Single(Directory.GetFiles(directory, "seg-*.ets"));

    private static void Truncate(string path, long length)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Write);
        stream.SetLength(length);
    }
}
