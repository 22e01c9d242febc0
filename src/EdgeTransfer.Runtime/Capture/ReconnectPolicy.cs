using System.Globalization;

namespace EdgeTransfer.Runtime.Capture;

/// <summary>
/// How a <see cref="ResilientFrameSource"/> waits between attempts to reopen a lost source: exponential
/// back-off from <see cref="InitialDelay"/>, multiplied by <see cref="Multiplier"/> per attempt, capped at
/// <see cref="MaxDelay"/>, spread by ± <see cref="Jitter"/> so that many devices on one power circuit do not
/// retry in lock-step.
/// </summary>
public sealed class ReconnectPolicy
{
    /// <summary>The wait before the first attempt. Default 0.5 s.</summary>
    public TimeSpan InitialDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The longest wait. Default 30 s: a re-plugged camera is found within half a minute.</summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The growth factor per attempt (at least 1). Default 2.</summary>
    public double Multiplier { get; init; } = 2.0;

    /// <summary>The relative spread, 0 (none) to 0.5: a delay d becomes a value in [d·(1−j), d·(1+j)]. Default 0.2.</summary>
    public double Jitter { get; init; } = 0.2;

    /// <summary>How many attempts before the source is reported failed, or null to retry for ever (the default: a line waits for its camera).</summary>
    public int? MaxAttempts { get; init; }

    /// <summary>
    /// The wait before attempt <paramref name="attempt"/>:
    /// <c>min(MaxDelay, InitialDelay · Multiplier^(attempt−1))</c>, then spread by the jitter, never above <see cref="MaxDelay"/>.
    /// </summary>
    /// <param name="attempt">The attempt, from 1.</param>
    /// <param name="jitterSample">A uniform sample in [0, 1); 0.5 means no spread.</param>
    /// <returns>The delay.</returns>
    public TimeSpan GetDelay(int attempt, double jitterSample)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(attempt, 1);
        var baseTicks = InitialDelay.Ticks * Math.Pow(Multiplier, attempt - 1);
        var capped = Math.Min(MaxDelay.Ticks, baseTicks);
        var spread = capped * (1 + (Jitter * ((2 * Math.Clamp(jitterSample, 0, 1)) - 1)));
        return TimeSpan.FromTicks((long)Math.Min(MaxDelay.Ticks, Math.Max(0, spread)));
    }

    /// <summary>Throws <see cref="InvalidSettingException"/> naming the first bad value.</summary>
    public void Validate()
    {
        if (InitialDelay <= TimeSpan.Zero)
        {
            throw new InvalidSettingException("ReconnectPolicy.InitialDelay", $"must be above zero; got {InitialDelay}.");
        }

        if (MaxDelay < InitialDelay)
        {
            throw new InvalidSettingException("ReconnectPolicy.MaxDelay", $"must be at least the initial delay ({InitialDelay}); got {MaxDelay}.");
        }

        if (!double.IsFinite(Multiplier) || Multiplier < 1)
        {
            throw new InvalidSettingException("ReconnectPolicy.Multiplier", string.Create(CultureInfo.InvariantCulture, $"must be 1 or more; got {Multiplier}."));
        }

        if (!double.IsFinite(Jitter) || Jitter is < 0 or > 0.5)
        {
            throw new InvalidSettingException("ReconnectPolicy.Jitter", string.Create(CultureInfo.InvariantCulture, $"must be from 0 to 0.5; got {Jitter}."));
        }

        if (MaxAttempts is < 1)
        {
            throw new InvalidSettingException("ReconnectPolicy.MaxAttempts", $"must be 1 or more, or absent to retry for ever; got {MaxAttempts}.");
        }
    }
}
