using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansCache.Redis.Connection;
using OrleansCache.Runtime;
using Xunit;

namespace OrleansCache.Redis.Tests;

public sealed class RedisOptionsTests
{
    [Fact]
    public void ToString_NeverShowsThePassword_InTheOptionOrTheConnectionString()
    {
        var options = new RedisOptions { ConnectionString = "cache-1:6379,password=hunter2,ssl=true", Password = "s3cret" };

        var text = options.ToString();

        Assert.DoesNotContain("hunter2", text, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", text, StringComparison.Ordinal);
        Assert.Contains("cache-1:6379", text, StringComparison.Ordinal);
        Assert.Contains("password=***", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connecting_LogsTheSettings_WithoutThePassword()
    {
        var logged = new List<string>();
        using var factory = LoggerFactory.Create(b => b.AddProvider(new ListProvider(logged)).SetMinimumLevel(LogLevel.Trace));
        // Nothing listens on port 1: the connect fails, but the settings are logged first.
        var connection = new RedisConnection(
            Options.Create(new RedisOptions { ConnectionString = "127.0.0.1:1,password=hunter2", Password = "s3cret", ConnectTimeout = TimeSpan.FromMilliseconds(200) }),
            Options.Create(new SiloOptions()),
            factory.CreateLogger<RedisConnection>());

        await Record.ExceptionAsync(() => connection.RunAsync(db => db.PingAsync(), TestContext.Current.CancellationToken));
        await connection.DisposeAsync();

        Assert.Contains(logged, l => l.Contains("127.0.0.1:1", StringComparison.Ordinal));
        Assert.DoesNotContain(logged, l => l.Contains("hunter2", StringComparison.Ordinal) || l.Contains("s3cret", StringComparison.Ordinal));
    }

    [Fact]
    public void Validator_RejectsEmptyConnectionStringAndPrefix()
    {
        var result = new RedisOptionsValidator().Validate(null, new RedisOptions { ConnectionString = " ", KeyPrefix = "" });
        Assert.True(result.Failed);
        Assert.Equal(2, result.Failures!.Count());
    }

    private sealed class ListProvider(List<string> lines) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new ListLogger(lines);

        public void Dispose()
        {
        }

        private sealed class ListLogger(List<string> lines) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                lock (lines)
                {
                    lines.Add(formatter(state, exception) + " " + exception);
                }
            }
        }
    }
}
