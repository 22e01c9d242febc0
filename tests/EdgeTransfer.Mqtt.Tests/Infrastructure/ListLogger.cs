using Microsoft.Extensions.Logging;

namespace EdgeTransfer.Mqtt.Tests.Infrastructure;

/// <summary>Keeps every log entry (level and formatted text) for assertions.</summary>
public sealed class ListLogger : ILogger
{
    private readonly Lock _lock = new();
    private readonly List<(LogLevel Level, string Text)> _entries = [];

    public IReadOnlyList<(LogLevel Level, string Text)> Entries
    {
        get
        {
            lock (_lock)
            {
                return [.. _entries];
            }
        }
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (_lock)
        {
            _entries.Add((logLevel, formatter(state, exception)));
        }
    }

    public async Task<string> WaitForAsync(LogLevel level, Func<string, bool> match, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (Entries.FirstOrDefault(e => e.Level == level && match(e.Text)) is { Text: { } text })
            {
                return text;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"No {level} log entry matched within {timeout}; got: {string.Join(" | ", Entries.Select(e => $"{e.Level}: {e.Text}"))}");
    }
}
