namespace EdgeTransfer.Device;

/// <summary>Exit codes of <c>edgetransfer-device</c> (the service manager and scripts branch on them).</summary>
public static class DeviceExitCodes
{
    /// <summary>Done.</summary>
    public const int Success = 0;

    /// <summary>The work failed: a bad bundle, a training run that was not promoted, a broken camera.</summary>
    public const int Failure = 1;

    /// <summary>The command line or <c>device.json</c> is wrong.</summary>
    public const int Usage = 2;
}
