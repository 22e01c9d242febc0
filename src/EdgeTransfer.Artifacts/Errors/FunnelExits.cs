namespace EdgeTransfer;

/// <summary>How a program reports the outcomes <see cref="ErrorFunnel"/> catches.</summary>
public sealed record FunnelExits
{
    /// <summary>The exit code of a usage error (a bad option or argument).</summary>
    public required int Usage { get; init; }

    /// <summary>The exit code of any other <see cref="EdgeTransferException"/>.</summary>
    public required int Failure { get; init; }

    /// <summary>The exit code when the command was cancelled.</summary>
    public required int Cancelled { get; init; }

    /// <summary>The line printed when the command was cancelled.</summary>
    public required string CancelledMessage { get; init; }

    /// <summary>
    /// Which invalid settings are usage errors; by default all. A program whose settings also come from files can
    /// keep those as failures (a bad file is not a bad command line).
    /// </summary>
    public Func<InvalidSettingException, bool> IsUsage { get; init; } = static _ => true;
}
