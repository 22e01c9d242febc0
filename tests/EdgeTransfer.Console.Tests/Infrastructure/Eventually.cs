namespace EdgeTransfer.LineConsole.Tests.Infrastructure;

/// <summary>Polls a condition that a broker round trip will make true.</summary>
public static class Eventually
{
    /// <summary>Waits until <paramref name="condition"/> holds, or fails with <paramref name="what"/> after <paramref name="seconds"/>.</summary>
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
}
