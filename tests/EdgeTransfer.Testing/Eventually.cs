using Xunit;

namespace EdgeTransfer.Testing;

/// <summary>
/// Waits for something another thread or a broker round trip does (a worker writing a pin, a capture thread
/// completing a frame, a retained message arriving). The bound only matters when a test fails; a passing test
/// returns as soon as the condition holds.
/// </summary>
public static class Eventually
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    /// <summary>Spins until <paramref name="condition"/> holds, or fails naming <paramref name="what"/> after ten seconds.</summary>
    public static void True(Func<bool> condition, string what)
    {
        if (!SpinWait.SpinUntil(condition, Bound))
        {
            Assert.Fail($"Timed out after {Bound.TotalSeconds} s waiting for: {what}");
        }
    }

    /// <summary>Polls <paramref name="condition"/> until it holds, or fails naming <paramref name="what"/> after <paramref name="seconds"/>.</summary>
    public static async Task TrueAsync(Func<bool> condition, string what, double seconds = 15)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out after {seconds} s waiting for: {what}");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>The result of <paramref name="task"/>, which must complete within ten seconds.</summary>
    public static async Task<T> Within<T>(ValueTask<T> task) => await task.AsTask().WaitAsync(Bound);

    /// <summary>Waits for <paramref name="task"/>, which must complete within ten seconds.</summary>
    public static async Task Within(ValueTask task) => await task.AsTask().WaitAsync(Bound);
}
