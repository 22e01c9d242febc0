using EdgeTransfer.Cli;

namespace EdgeTransfer.Fleet.Tests.Infrastructure;

/// <summary>Runs <c>edgetransfer</c> in-process (on a pool thread, so several can run at once) and captures what it prints.</summary>
internal static class CliRunner
{
    public static CliResult Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = CliApp.Run(args, TextWriter.Synchronized(output), TextWriter.Synchronized(error));
        return new CliResult(code, output.ToString(), error.ToString());
    }

    public static Task<CliResult> RunAsync(params string[] args) => Task.Run(() => Run(args));
}

internal sealed record CliResult(int ExitCode, string Output, string Error)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Output}\n--- stderr\n{Error}";
}
