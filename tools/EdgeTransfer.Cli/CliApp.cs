using System.CommandLine;
using EdgeTransfer.Cli.Commands;

namespace EdgeTransfer.Cli;

/// <summary>
/// The <c>edgetransfer</c> command tree and its one error funnel: every command reports bad input as a
/// sentence on standard error and an exit code (see <see cref="ExitCodes"/>), never as a stack trace.
/// </summary>
public static class CliApp
{
    /// <summary>Parses <paramref name="args"/>, runs the command and returns its exit code.</summary>
    /// <param name="args">The command-line arguments.</param>
    /// <param name="output">Where results go (standard output).</param>
    /// <param name="error">Where errors go (standard error).</param>
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);

        var console = new CliConsole(output, error);
        var root = BuildRoot(console);
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            ErrorFunnel.ReportUsage(parse.Errors.Select(e => e.Message), $"edgetransfer {string.Join(' ', CommandPath(parse))}".TrimEnd(), error);
            return ExitCodes.Usage;
        }

        var configuration = new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false };
        return ErrorFunnel.Run(() => parse.Invoke(configuration), error, Exits);
    }

    // An invalid setting is a usage error when it names an option or argument; from a file it is a failure.
    private static readonly FunnelExits Exits = new()
    {
        Usage = ExitCodes.Usage,
        Failure = ExitCodes.Failure,
        Cancelled = ExitCodes.Failure,
        CancelledMessage = "error: cancelled.",
        IsUsage = static e => e.Setting.StartsWith('-') || e.Setting.StartsWith('<'),
    };

    private static RootCommand BuildRoot(CliConsole console)
    {
        var root = new RootCommand(
            "EdgeTransfer: turn a pretrained ONNX vision model into a bundle of training artifacts with a frozen " +
            "backbone, verify and export bundles, and measure them.");
        root.Add(PrepareCommand.Create(console));
        root.Add(BundleCommand.Create(console));
        root.Add(ExportCommand.Create(console));
        root.Add(EvaluateCommand.Create(console));
        root.Add(BenchCommand.Create(console));
        root.Add(SynthCommand.Create(console));
        root.Add(DemoCommand.Create(console));
        root.Add(ConsoleCommand.Create(console));
        root.Add(FleetCommand.Create(console));
        root.Add(BrokerCommand.Create(console));
        return root;
    }

    private static List<string> CommandPath(ParseResult parse)
    {
        var names = new List<string>();
        for (var r = parse.CommandResult; r is not null; r = r.Parent as System.CommandLine.Parsing.CommandResult)
        {
            if (r.Command is not RootCommand)
            {
                names.Insert(0, r.Command.Name);
            }
        }

        return names;
    }
}
