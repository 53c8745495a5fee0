using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Subscriptions.TestHost;

/// <summary>Log lines captured from silos, for tests that assert what an operator would read.</summary>
public sealed class TestLog
{
    private readonly ConcurrentQueue<TestLogLine> lines = new();

    public IReadOnlyCollection<TestLogLine> Lines => lines;

    internal void Add(TestLogLine line) => lines.Enqueue(line);
}

/// <summary>One captured log line.</summary>
public sealed record TestLogLine(string Silo, LogLevel Level, string Category, string Message, Exception? Exception);

internal sealed class TestLogProvider(TestLog log, string silo) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new TestLogger(log, silo, categoryName);

    public void Dispose()
    {
    }

    private sealed class TestLogger(TestLog log, string silo, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            log.Add(new TestLogLine(silo, logLevel, category, formatter(state, exception), exception));
    }
}
