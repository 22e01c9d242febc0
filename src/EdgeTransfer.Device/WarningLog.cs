using Microsoft.Extensions.Logging;

namespace EdgeTransfer.Device;

/// <summary>
/// Writes the agent's warnings and errors (a broker that refuses the password, a lost connection, a reply that
/// could not be sent) as single lines to a writer — stderr under systemd, so they reach the journal. The device
/// program has no other log; without this, those problems would pass in silence.
/// </summary>
internal sealed class WarningLog(TextWriter writer) : ILoggerFactory, ILogger
{
    private readonly Lock _lock = new();

    public ILogger CreateLogger(string categoryName) => this;

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!IsEnabled(logLevel))
        {
            return;
        }

        // The message already names the reason; the exception adds only its own sentence, never a stack trace.
        var text = formatter(state, exception);
        var cause = exception is null || text.Contains(exception.Message, StringComparison.Ordinal) ? "" : $" ({exception.Message})";
        var line = $"{(logLevel >= LogLevel.Error ? "error" : "warning")}: {text}{cause}";
        lock (_lock)
        {
            writer.WriteLine(line);
            writer.Flush();
        }
    }

    public void Dispose()
    {
    }
}
