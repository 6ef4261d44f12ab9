using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace EdgeAccess.Bench.Edge.Hub;

/// <summary>Records every log event (Stopwatch time, event name, message) of the hosts it is added to, for timelines.</summary>
internal sealed class LogCapture : ILoggerProvider
{
    public ConcurrentQueue<(long Timestamp, string Event, string Message)> Events { get; } = new();

    /// <summary>The first event named <paramref name="name"/>, if any.</summary>
    public (long Timestamp, string Message)? First(string name)
    {
        foreach (var e in Events)
        {
            if (e.Event == name)
            {
                return (e.Timestamp, e.Message);
            }
        }

        return null;
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void Dispose()
    {
    }

    private sealed class Logger(LogCapture capture) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                capture.Events.Enqueue((Stopwatch.GetTimestamp(), eventId.Name ?? "", formatter(state, exception)));
            }
        }
    }
}
