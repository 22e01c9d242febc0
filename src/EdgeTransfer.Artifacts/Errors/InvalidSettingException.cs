namespace EdgeTransfer;

/// <summary>A setting, option or argument has a value that cannot be used.</summary>
/// <remarks>Used for CLI arguments, preprocessing specs, device configuration and command payloads alike.</remarks>
public sealed class InvalidSettingException : EdgeTransferException
{
    /// <summary>Creates the error.</summary>
    /// <param name="setting">The name of the setting as the user wrote it (<c>--classes</c>, <c>input.mean</c>, …).</param>
    /// <param name="reason">Why the value cannot be used, as a sentence.</param>
    /// <param name="innerException">The parse error behind it, if any.</param>
    public InvalidSettingException(string setting, string reason, Exception? innerException = null)
        : base($"{setting}: {reason}", innerException)
    {
        Setting = setting;
        Reason = reason;
    }

    /// <summary>The name of the setting as the user wrote it.</summary>
    public string Setting { get; }

    /// <summary>Why the value cannot be used.</summary>
    public string Reason { get; }
}
