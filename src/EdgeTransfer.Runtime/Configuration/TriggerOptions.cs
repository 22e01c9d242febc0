namespace EdgeTransfer.Runtime.Configuration;

/// <summary>The <c>trigger</c> section: what starts an inspection. Only the sub-section of <see cref="Kind"/> is used.</summary>
public sealed class TriggerOptions
{
    /// <summary><c>free-running</c> (default) or <c>gpio</c>.</summary>
    public TriggerKind Kind { get; set; } = TriggerKind.FreeRunning;

    /// <summary>The rate, used when <see cref="Kind"/> is <c>free-running</c>.</summary>
    public FreeRunningTriggerOptions FreeRunning { get; set; } = new();

    /// <summary>The input line, used when <see cref="Kind"/> is <c>gpio</c>.</summary>
    public GpioTriggerSection Gpio { get; set; } = new();
}
