namespace EdgeTransfer;

/// <summary>
/// The one error funnel of the programs (<c>edgetransfer</c> and <c>edgetransfer-device</c>): runs a command and
/// turns the errors the SDK raises on purpose into sentences on standard error and an exit code, never a stack trace.
/// </summary>
/// <remarks>
/// Only <see cref="EdgeTransferException"/> and cancellation are caught: anything else is a bug, and its stack trace is
/// what a bug report needs.
/// </remarks>
public static class ErrorFunnel
{
    /// <summary>Prints a command line's parse errors and where to find the usage.</summary>
    /// <param name="messages">The parser's messages.</param>
    /// <param name="helpCommand">The command whose <c>--help</c> to suggest, such as <c>edgetransfer prepare</c>.</param>
    /// <param name="error">Standard error.</param>
    public static void ReportUsage(IEnumerable<string> messages, string helpCommand, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(messages);
        ArgumentNullException.ThrowIfNull(error);
        foreach (var message in messages)
        {
            error.WriteLine($"error: {message}");
        }

        error.WriteLine($"Run '{helpCommand} --help' for usage.");
    }

    /// <summary>Runs <paramref name="command"/> and returns its exit code, or the code of the error it raised.</summary>
    /// <param name="command">The command; returns its exit code.</param>
    /// <param name="error">Standard error.</param>
    /// <param name="exits">The program's exit codes and what counts as a usage error.</param>
    public static int Run(Func<int> command, TextWriter error, FunnelExits exits)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(error);
        ArgumentNullException.ThrowIfNull(exits);
        try
        {
            return command();
        }
        catch (InvalidSettingException e) when (exits.IsUsage(e))
        {
            error.WriteLine($"error: {e.Message}");
            return exits.Usage;
        }
        catch (EdgeTransferException e)
        {
            error.WriteLine($"error: {e.Message}");
            for (var inner = e.InnerException; inner is not null; inner = inner.InnerException)
            {
                error.WriteLine($"  because: {inner.Message}");
            }

            return exits.Failure;
        }
        catch (OperationCanceledException)
        {
            error.WriteLine(exits.CancelledMessage);
            return exits.Cancelled;
        }
    }
}
