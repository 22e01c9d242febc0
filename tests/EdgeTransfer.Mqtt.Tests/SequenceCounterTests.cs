using EdgeTransfer.Mqtt.Client;
using EdgeTransfer.Testing;

namespace EdgeTransfer.Mqtt.Tests;

public sealed class SequenceCounterTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void CleanRestart_ContinuesWithoutAGap()
    {
        var path = _temp.Combine("seq");
        using (var counter = new SequenceCounter(path, block: 10))
        {
            Assert.Equal([1L, 2L, 3L], [counter.Next(), counter.Next(), counter.Next()]);
        }

        using var again = new SequenceCounter(path, block: 10);
        Assert.Equal(4, again.Next());
    }

    [Fact]
    public void Crash_ResumesAboveEveryNumberHandedOut()
    {
        var path = _temp.Combine("seq");
        var counter = new SequenceCounter(path, block: 10);
        long last = 0;
        for (var i = 0; i < 25; i++)
        {
            last = counter.Next();
        }

        // No Dispose: a power cut. The file holds the reserved mark.
        using var again = new SequenceCounter(path, block: 10);
        var next = again.Next();
        Assert.True(next > last && next <= last + 10, $"next {next} after {last}");
    }

    [Fact]
    public void DamagedFile_NeverGoesBack()
    {
        var path = _temp.Combine("seq");
        File.WriteAllText(path, "garbage");

        using var counter = new SequenceCounter(path);

        Assert.True(counter.Next() > 1_000_000);
    }

    [Fact]
    public void Backoff_GrowsWithJitter_AndIsCapped()
    {
        var backoff = new ReconnectBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), new Random(7));
        var delays = Enumerable.Range(0, 12).Select(_ => backoff.NextDelay()).ToArray();

        Assert.All(delays, d => Assert.InRange(d, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30)));
        Assert.True(delays[8] > TimeSpan.FromSeconds(2));
        Assert.Equal(delays.Length, delays.Distinct().Count());
        backoff.Reset();
        Assert.Equal(TimeSpan.FromSeconds(1), backoff.NextDelay());
    }
}
