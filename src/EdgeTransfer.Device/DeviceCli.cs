using System.CommandLine;
using EdgeTransfer.Device.Commands;

namespace EdgeTransfer.Device;

/// <summary>The <c>edgetransfer-device</c> command tree and its error funnel.</summary>
public static class DeviceCli
{
    /// <summary>The <c>--config</c> option shared by every command.</summary>
    internal static Option<string> ConfigOption { get; } = new("--config", "-c")
    {
        Description = "The device configuration (device.json).",
        DefaultValueFactory = _ => "device.json",
        Recursive = true,
    };

    /// <summary>Parses <paramref name="args"/>, runs the command and returns its exit code.</summary>
    /// <param name="args">The command-line arguments.</param>
    /// <param name="output">Where results go.</param>
    /// <param name="error">Where errors go.</param>
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);

        var root = new RootCommand("EdgeTransfer device runtime: capture parts, learn on the device, inspect, and never lose the working model.");
        root.Add(ConfigOption);
        root.Add(RunCommand.Create(output, error));
        root.Add(CollectCommand.Create(output));
        root.Add(TrainCommand.Create(output));
        root.Add(InferCommand.Create(output));
        root.Add(EvaluateCommand.Create(output));
        root.Add(FitCommand.Create(output));
        root.Add(RollbackCommand.Create(output));
        root.Add(StatusCommand.Create(output));

        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            ErrorFunnel.ReportUsage(parse.Errors.Select(e => e.Message), "edgetransfer-device", error);
            return DeviceExitCodes.Usage;
        }

        // ProcessTerminationTimeout = null: System.CommandLine's own SIGINT/SIGTERM handling raced with the commands'
        // (two handlers for one signal; the second ran after the command had disposed what it stops) and could
        // return 130/143 while the work was still shutting down. The commands own shutdown (ShutdownSignal).
        var configuration = new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null };
        return ErrorFunnel.Run(() => parse.Invoke(configuration), error, Exits);
    }

    // A stop request ends a command normally: the work it stops has been put away.
    private static readonly FunnelExits Exits = new()
    {
        Usage = DeviceExitCodes.Usage,
        Failure = DeviceExitCodes.Failure,
        Cancelled = DeviceExitCodes.Success,
        CancelledMessage = "stopped.",
    };
}
