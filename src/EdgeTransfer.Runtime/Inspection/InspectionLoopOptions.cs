namespace EdgeTransfer.Runtime.Inspection;

/// <summary>Settings of an <see cref="InspectionLoop"/>.</summary>
public sealed class InspectionLoopOptions
{
    /// <summary>How many recent verdicts <see cref="InspectionLoop.RecentVerdicts"/> keeps, 1 to 100,000. Default 256.</summary>
    public int RecentVerdicts { get; init; } = 256;

    /// <summary>How long the loop waits before asking again when the source cannot deliver a frame. Default 250 ms.</summary>
    public TimeSpan CaptureRetryDelay { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Whether the loop runs the backbone once on a blank image before the first frame. Default true.</summary>
    public bool WarmUp { get; init; } = true;

    /// <summary>Throws <see cref="InvalidSettingException"/> naming the first bad value.</summary>
    public void Validate()
    {
        if (RecentVerdicts is < 1 or > 100_000)
        {
            throw new InvalidSettingException("inspection.recentVerdicts", $"expected 1 to 100000, got {RecentVerdicts}.");
        }

        if (CaptureRetryDelay < TimeSpan.Zero || CaptureRetryDelay > TimeSpan.FromMinutes(10))
        {
            throw new InvalidSettingException("inspection.captureRetryDelay", $"expected 0 to 10 minutes, got {CaptureRetryDelay}.");
        }
    }
}
