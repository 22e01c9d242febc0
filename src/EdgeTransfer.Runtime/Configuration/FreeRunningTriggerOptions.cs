namespace EdgeTransfer.Runtime.Configuration;

/// <summary>The <c>trigger.freeRunning</c> section.</summary>
public sealed class FreeRunningTriggerOptions
{
    /// <summary>Frames per second, above 0 and at most 1000. Default 5.</summary>
    public double Fps { get; set; } = 5;
}
