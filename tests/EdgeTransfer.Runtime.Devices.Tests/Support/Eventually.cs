namespace EdgeTransfer.Runtime.Devices.Tests.Support;

/// <summary>
/// Waits for something another thread does (a worker writing a pin, a capture thread completing a frame).
/// The bound only matters when a test fails; a passing test returns as soon as the condition holds.
/// </summary>
internal static class Eventually
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    public static void True(Func<bool> condition, string what)
    {
        if (!SpinWait.SpinUntil(condition, Bound))
        {
            throw new TimeoutException($"Timed out waiting for: {what}");
        }
    }

    public static async Task<T> Within<T>(ValueTask<T> task) => await task.AsTask().WaitAsync(Bound);

    public static async Task Within(ValueTask task) => await task.AsTask().WaitAsync(Bound);
}
