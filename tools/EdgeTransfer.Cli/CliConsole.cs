namespace EdgeTransfer.Cli;

/// <summary>The two streams a command writes to; tests pass string writers.</summary>
/// <param name="Out">Results.</param>
/// <param name="Error">Errors and warnings.</param>
public sealed record CliConsole(TextWriter Out, TextWriter Error);
