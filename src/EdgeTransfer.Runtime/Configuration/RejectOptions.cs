namespace EdgeTransfer.Runtime.Configuration;

/// <summary>The <c>reject</c> section: what happens to a defective part.</summary>
public sealed class RejectOptions
{
    /// <summary><c>none</c> (default: verdicts are only reported) or <c>gpio</c>.</summary>
    public RejectKind Kind { get; set; } = RejectKind.None;

    /// <summary>The output line, used when <see cref="Kind"/> is <c>gpio</c>.</summary>
    public GpioRejectOptions Gpio { get; set; } = new();
}
