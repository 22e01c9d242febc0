using Microsoft.Extensions.Logging;

namespace EdgeTransfer.Fleet;

/// <summary>
/// Keeps the newest warning's exception from the MQTT client's reconnect loop, so that "cannot connect"
/// can say why (connection refused, TLS, bad credentials) instead of only "timed out".
/// </summary>
internal sealed class LastErrorLogger : ILogger
{
    private Exception? _last;

    public Exception? Last => Volatile.Read(ref _last);

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (exception is not null && logLevel >= LogLevel.Warning)
        {
            Volatile.Write(ref _last, exception);
        }
    }
}
