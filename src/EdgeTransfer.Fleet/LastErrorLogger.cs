using EdgeTransfer.Mqtt.Client;
using Microsoft.Extensions.Logging;

namespace EdgeTransfer.Fleet;

/// <summary>
/// Keeps why the MQTT client's newest connection attempt failed, so that "cannot connect" can say it (connection
/// refused, TLS, bad credentials) instead of only "timed out": the attempt's warning carries the cause as its Reason
/// value, and its exception comes at Debug level (MQTT client event 9).
/// </summary>
internal sealed class LastErrorLogger : ILogger
{
    private string? _reason;
    private Exception? _exception;

    /// <summary>The newest failure's cause in words, or null.</summary>
    public string? LastReason => Volatile.Read(ref _reason);

    /// <summary>The newest failure's exception, or null.</summary>
    public Exception? LastException => Volatile.Read(ref _exception);

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Debug;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (exception is not null)
        {
            Volatile.Write(ref _exception, exception);
        }

        if (logLevel < LogLevel.Warning)
        {
            return;
        }

        var reason = state is IEnumerable<KeyValuePair<string, object?>> values ? values.FirstOrDefault(v => v.Key == "Reason").Value as string : null;
        if (reason is null && exception is not null)
        {
            reason = ConnectFailure.Describe(exception);
        }

        if (reason is not null)
        {
            Volatile.Write(ref _reason, reason.Trim().TrimEnd('.'));
        }
    }
}
