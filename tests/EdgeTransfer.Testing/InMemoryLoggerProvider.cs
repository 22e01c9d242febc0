using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace EdgeTransfer.Testing;

/// <summary>A log entry as a test reads it: category, level, event id and the formatted message.</summary>
/// <param name="Category">The logger's category (the full name of the logging type).</param>
/// <param name="Level">The level.</param>
/// <param name="EventId">The event id of the message.</param>
/// <param name="Message">The formatted message.</param>
/// <param name="Exception">The exception logged with it, if any.</param>
public sealed record LogEntry(string Category, LogLevel Level, EventId EventId, string Message, Exception? Exception);

/// <summary>Keeps every log message in memory so that tests can read what the device logged.</summary>
public sealed class InMemoryLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<LogEntry> _entries = new();

    /// <summary>Every entry so far, oldest first (a copy).</summary>
    public IReadOnlyList<LogEntry> Entries => [.. _entries];

    /// <summary>Every message so far, one per line, with its level (for assertion messages).</summary>
    public string Text => string.Join('\n', _entries.Select(e => $"{e.Level} {e.Category}: {e.Message}{(e.Exception is null ? string.Empty : " | " + e.Exception.Message)}"));

    /// <summary>A logger factory that writes only here, at every level.</summary>
    public ILoggerFactory CreateFactory() => LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(this));

    /// <summary>Waits until an entry matches <paramref name="match"/>; fails with the whole log when none does in time.</summary>
    /// <param name="match">The condition.</param>
    /// <param name="timeout">How long to wait.</param>
    /// <param name="after">Look only at entries after the first <paramref name="after"/> (a count of <see cref="Entries"/> taken earlier).</param>
    /// <returns>The first matching entry.</returns>
    public LogEntry WaitFor(Func<LogEntry, bool> match, TimeSpan timeout, int after = 0)
    {
        ArgumentNullException.ThrowIfNull(match);
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (_entries.Skip(after).FirstOrDefault(match) is { } found)
            {
                return found;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new Xunit.Sdk.XunitException($"no matching log entry within {timeout}; the log:\n{Text}");
            }

            Thread.Sleep(20);
        }
    }

    /// <inheritdoc />
    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _entries);

    /// <inheritdoc />
    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<LogEntry> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            ArgumentNullException.ThrowIfNull(formatter);
            entries.Enqueue(new LogEntry(category, logLevel, eventId, formatter(state, exception), exception));
        }
    }
}
