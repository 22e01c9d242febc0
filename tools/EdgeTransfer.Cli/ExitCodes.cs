namespace EdgeTransfer.Cli;

/// <summary>The process exit codes of <c>edgetransfer</c>; scripts (Cake, CI) branch on them.</summary>
public static class ExitCodes
{
    /// <summary>The command did what it was asked.</summary>
    public const int Success = 0;

    /// <summary>The command ran but the input or the work failed: a bad model, a tampered bundle, a training that diverged.</summary>
    public const int Failure = 1;

    /// <summary>The command line itself is wrong: an unknown option, a missing or invalid argument value.</summary>
    public const int Usage = 2;
}
