using EdgeTransfer.Runtime.Capture;
using EdgeTransfer.Synthetic;

namespace EdgeTransfer.Runtime.Devices.Tests.Capture;

public sealed class SyntheticLineSourceTests
{
    [Fact]
    public async Task CaptureAsync_GivesTheSameLine_ForTheSameSeed()
    {
        // Given two lines with the same seed and one with another
        var options = new SyntheticLineOptions { Seed = 7, Size = 32 };
        await using var a = new SyntheticLineSource(options);
        await using var b = new SyntheticLineSource(options);
        await using var c = new SyntheticLineSource(new SyntheticLineOptions { Seed = 8, Size = 32 });

        // When twenty parts are taken from each
        var (labelsA, hashA) = await Take(a, 20);
        var (labelsB, hashB) = await Take(b, 20);
        var (labelsC, hashC) = await Take(c, 20);

        // Then the same seed gives the same labels and pixels, another seed does not
        Assert.Equal(labelsA, labelsB);
        Assert.Equal(hashA, hashB);
        Assert.NotEqual(hashA, hashC);
    }

    [Fact]
    public async Task CaptureAsync_LabelsEachPart_WithTheClassItWasGeneratedAs()
    {
        // Given a line that makes only scratches and dents
        var mix = new Dictionary<string, double> { ["scratch"] = 1, ["dent"] = 1, ["good"] = 0 };
        await using var line = new SyntheticLineSource(new SyntheticLineOptions { Seed = 3, Size = 24, ClassMix = mix });
        var generator = new SyntheticPartGenerator(3);
        var perClass = new Dictionary<string, int>();

        for (var i = 0; i < 12; i++)
        {
            // When a part is captured
            var frame = (await line.CaptureAsync())!.Value;

            // Then its pixels are the generator's part of that class with the next index of the class
            var index = perClass[frame.Label!] = perClass.GetValueOrDefault(frame.Label!, -1) + 1;
            var expected = new byte[24 * 24 * 3];
            generator.Generate(frame.Label!, index, 24, expected);
            Assert.True(expected.AsSpan().SequenceEqual(frame.Pixels.Span), $"part {i} ({frame.Label} #{index}) differs");
        }

        Assert.Equal(["scratch", "dent"], line.ClassNames);
        Assert.Equal(2, perClass.Count);
    }

    [Fact]
    public async Task Feed_PutsOnlyThatClassOnTheLine_UntilItIsCleared()
    {
        // Given a mixed line
        await using var line = new SyntheticLineSource(new SyntheticLineOptions { Seed = 4, Size = 16 });

        // When the technician feeds scratched parts
        line.Feed = "scratch";
        var fed = new List<string?>();
        for (var i = 0; i < 10; i++)
        {
            fed.Add((await line.CaptureAsync())!.Value.Label);
        }

        // Then only scratches come, each a new part, and clearing the feed brings the mix back
        Assert.All(fed, label => Assert.Equal("scratch", label));
        line.Feed = null;
        Assert.Null(line.Feed);
        var mixed = new HashSet<string?>();
        for (var i = 0; i < 40; i++)
        {
            mixed.Add((await line.CaptureAsync())!.Value.Label);
        }

        Assert.True(mixed.Count > 1);
    }

    [Fact]
    public async Task Feed_RefusesAClassThatIsNotOnTheLine()
    {
        await using var line = new SyntheticLineSource(new SyntheticLineOptions { Seed = 4, Size = 16 });
        var error = Assert.Throws<InvalidSettingException>(() => line.Feed = "crack");
        Assert.Contains("crack", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CaptureAsync_EndsTheStream_AfterFrameCount()
    {
        await using var line = new SyntheticLineSource(new SyntheticLineOptions { Size = 16, FrameCount = 2 });
        Assert.NotNull(await line.CaptureAsync());
        Assert.NotNull(await line.CaptureAsync());
        Assert.Null(await line.CaptureAsync());
    }

    [Theory]
    [InlineData("rust", "SyntheticLineOptions.ClassMix.rust")]
    [InlineData("good", "SyntheticLineOptions.ClassMix.good")]
    public void Constructor_RejectsABadClassMix_NamingTheKey(string cls, string setting)
    {
        var mix = new Dictionary<string, double> { [cls] = cls == "good" ? -1 : 1 };
        var error = Assert.Throws<InvalidSettingException>(() => new SyntheticLineSource(new SyntheticLineOptions { ClassMix = mix }));
        Assert.Equal(setting, error.Setting);
    }

    private static async Task<(List<string?> Labels, int Hash)> Take(SyntheticLineSource source, int count)
    {
        var labels = new List<string?>();
        var hash = new HashCode();
        for (var i = 0; i < count; i++)
        {
            var frame = (await source.CaptureAsync())!.Value;
            labels.Add(frame.Label);
            hash.AddBytes(frame.Pixels.Span);
        }

        return (labels, hash.ToHashCode());
    }
}
