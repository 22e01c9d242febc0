using Microsoft.Extensions.Logging;

namespace EdgeTransfer.LineConsole.Session;

/// <summary>
/// Keeps the last warning the MQTT connection logged (why a connect failed, why it dropped) so the
/// header can say it in words; a full-screen console has no log window. Passes everything on to
/// <c>inner</c> as well.
/// </summary>
internal sealed class ConnectionProblemLogger(ILogger? inner) : ILogger
{
    private string? _last;

    /// <summary>The last warning or error, with its innermost cause, or null.</summary>
    public string? Last => Volatile.Read(ref _last);

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => inner?.BeginScope(state);

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning || inner?.IsEnabled(logLevel) == true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        inner?.Log(logLevel, eventId, state, exception, formatter);
        if (logLevel < LogLevel.Warning)
        {
            return;
        }

        var cause = exception;
        while (cause?.InnerException is not null)
        {
            cause = cause.InnerException;
        }

        // The cause alone ("Connection refused"): the formatted text carries the retry delay, which changes
        // every attempt and would turn one outage into a new error line per retry. A failed connection attempt is
        // logged without its exception, with the cause as the message's Reason value.
        var text = Reason(state) ?? cause?.Message ?? formatter(state, exception).Split(';', 2)[0];
        Volatile.Write(ref _last, text);
    }

    private static string? Reason<TState>(TState state) =>
        state is IEnumerable<KeyValuePair<string, object?>> values
            ? values.FirstOrDefault(v => v.Key == "Reason").Value as string
            : null;
}
