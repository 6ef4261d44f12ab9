using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace EdgeAccess.Cloud.Tests.Auth;

/// <summary>One captured log entry, formatted as a sink would write it (message, then exception).</summary>
public sealed record CapturedLog(string Category, LogLevel Level, EventId EventId, string Text);

/// <summary>Keeps every log entry of a hub in memory, including the state's values, so tests can look for secrets.</summary>
public sealed class CapturingLoggerProvider : ILoggerProvider
{
    /// <summary>The entries so far.</summary>
    public ConcurrentQueue<CapturedLog> Entries { get; } = new();

    /// <inheritdoc />
    public ILogger CreateLogger(string categoryName) => new CapturingLogger(this, categoryName);

    /// <inheritdoc />
    public void Dispose()
    {
    }

    private sealed class CapturingLogger(CapturingLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            // Structured sinks write the values too, not only the rendered message.
            var values = state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(" ", pairs.Select(p => $"{p.Key}={p.Value}")) : "";
            provider.Entries.Enqueue(new CapturedLog(category, logLevel, eventId, $"{formatter(state, exception)} {values} {exception}"));
        }
    }
}
