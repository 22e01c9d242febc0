namespace EdgeTransfer.Artifacts.Tests;

/// <summary>The programs' one error funnel: sentences and exit codes for the SDK's own errors, bugs left loud.</summary>
public sealed class ErrorFunnelTests
{
    private static readonly FunnelExits Exits = new()
    {
        Usage = 2,
        Failure = 1,
        Cancelled = 0,
        CancelledMessage = "stopped.",
        IsUsage = static e => e.Setting.StartsWith('-'),
    };

    [Fact]
    public void ASuccessfulCommand_ReturnsItsOwnCode_AndPrintsNothing()
    {
        var error = new StringWriter();
        Assert.Equal(7, ErrorFunnel.Run(() => 7, error, Exits));
        Assert.Empty(error.ToString());
    }

    [Fact]
    public void AnSdkError_IsOneSentencePerCause_WithTheFailureCode()
    {
        var error = new StringWriter();
        var code = ErrorFunnel.Run(() => throw new EdgeTransferException("The bundle 'b' is damaged.", new IOException("disk read failed")), error, Exits);

        Assert.Equal(1, code);
        Assert.Equal($"error: The bundle 'b' is damaged.{Environment.NewLine}  because: disk read failed{Environment.NewLine}", error.ToString());
        Assert.DoesNotContain(" at ", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void AnInvalidOption_IsAUsageError_ButAnInvalidFileSettingIsAFailure()
    {
        var error = new StringWriter();
        Assert.Equal(2, ErrorFunnel.Run(() => throw new InvalidSettingException("--epochs", "must be a positive whole number."), error, Exits));
        Assert.Equal(1, ErrorFunnel.Run(() => throw new InvalidSettingException("training.epochs", "must be a positive whole number."), error, Exits));
        Assert.Contains("--epochs", error.ToString(), StringComparison.Ordinal);
        Assert.Contains("training.epochs", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Cancellation_PrintsTheProgramsLine_AndItsCode()
    {
        var error = new StringWriter();
        Assert.Equal(0, ErrorFunnel.Run(() => throw new OperationCanceledException(), error, Exits));
        Assert.Equal($"stopped.{Environment.NewLine}", error.ToString());
    }

    [Fact]
    public void ABug_IsNotSwallowed()
    {
        Assert.Throws<InvalidOperationException>(() => ErrorFunnel.Run(() => throw new InvalidOperationException("a bug"), new StringWriter(), Exits));
    }

    [Fact]
    public void ParseErrors_AreListed_WithWhereToFindTheUsage()
    {
        var error = new StringWriter();
        ErrorFunnel.ReportUsage(["Unrecognized command or argument '--x'."], "edgetransfer prepare", error);
        Assert.Equal($"error: Unrecognized command or argument '--x'.{Environment.NewLine}Run 'edgetransfer prepare --help' for usage.{Environment.NewLine}", error.ToString());
    }
}
