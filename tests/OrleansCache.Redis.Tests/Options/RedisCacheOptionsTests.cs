using Microsoft.Extensions.Logging.Testing;
using Orleans.Configuration;
using OrleansCache.Redis.Connection;
using StackExchange.Redis;
using Xunit;
using static Microsoft.Extensions.Options.Options;

namespace OrleansCache.Redis.Tests.Options;

public sealed class RedisCacheOptionsTests
{
    private const string Secret = "hunter2";

    [Fact]
    public void ToString_NeverShowsThePassword_WhereverItIsGiven()
    {
        var options = new RedisCacheOptions
        {
            ConnectionString = $"cache-1:6379,password={Secret},ssl=true",
            ConfigurationOptions = ConfigurationOptions.Parse($"cache-2:6380,password={Secret}"),
            User = "svc",
            Password = Secret,
        };

        var text = options.ToString();

        Assert.DoesNotContain(Secret, text, StringComparison.Ordinal);
        Assert.Contains("cache-1:6379", text, StringComparison.Ordinal);
        Assert.Contains("cache-2:6380", text, StringComparison.Ordinal);
        Assert.Contains("User=svc", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("cache:6379,password=hunter2")]
    [InlineData("cache:6379,Password=hunter2,ssl=true")]
    [InlineData("cache:6379,nonsense")]
    public void RedactAttribute_HidesThePassword_OfAConnectionStringOrConfiguration(string connectionString)
    {
        var attribute = new RedactConnectionAttribute();

        Assert.DoesNotContain(Secret, attribute.Redact(connectionString), StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, attribute.Redact(ConfigurationOptions.Parse(connectionString, ignoreUnknown: true)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connecting_LogsTheSettings_WithoutThePassword()
    {
        var logger = new FakeLogger<RedisConnection>();

        // Nothing listens on port 1: connecting fails, but the settings are logged first.
        var options = new RedisCacheOptions
        {
            ConnectionString = $"127.0.0.1:1,password={Secret}",
            User = "svc",
            Password = Secret,
            ConnectTimeout = TimeSpan.FromMilliseconds(200),
            OperationTimeout = TimeSpan.FromMilliseconds(200),
        };
        await using var connection = new RedisConnection(Create(options), Create(new ClusterOptions { ServiceId = "svc" }), TimeProvider.System, logger);

        await Record.ExceptionAsync(() => connection.RunAsync(db => db.PingAsync(), TestContext.Current.CancellationToken));

        var logs = logger.Collector.GetSnapshot();
        Assert.Contains(logs, l => l.Id.Id == 5001 && l.Message.Contains("127.0.0.1:1", StringComparison.Ordinal) && l.Message.Contains("orleanscache:svc:", StringComparison.Ordinal));
        Assert.DoesNotContain(logs, l => l.Message.Contains(Secret, StringComparison.Ordinal) || (l.Exception?.ToString().Contains(Secret, StringComparison.Ordinal) ?? false));
    }

    [Fact]
    public void BuildConfiguration_AppliesUserPasswordTlsAndTimeouts_WithoutChangingTheCallersConfiguration()
    {
        var given = ConfigurationOptions.Parse("cache:6379");
        var options = new RedisCacheOptions
        {
            ConfigurationOptions = given,
            User = "svc",
            Password = Secret,
            UseTls = true,
            ConnectTimeout = TimeSpan.FromSeconds(3),
            OperationTimeout = TimeSpan.FromSeconds(2),
        };

        var built = RedisConnection.BuildConfiguration(options);

        Assert.Equal("svc", built.User);
        Assert.Equal(Secret, built.Password);
        Assert.True(built.Ssl);
        Assert.False(built.AbortOnConnectFail);
        Assert.Equal(3000, built.ConnectTimeout);
        Assert.Equal(2000, built.AsyncTimeout);
        Assert.Null(given.User);
        Assert.False(given.Ssl);
    }

    [Fact]
    public void BuildConfiguration_FromAConnectionString_TriesToReconnectAtLeastOncePerDelayLimit()
    {
        var built = RedisConnection.BuildConfiguration(new RedisCacheOptions { ConnectionString = "cache:6379", ReconnectDelayLimit = TimeSpan.FromSeconds(2) });

        // However many attempts failed before, the next one is due once the limit has passed since the last; without
        // the option StackExchange.Redis would wait up to 10 s after a few failures.
        Assert.True(built.ReconnectRetryPolicy.ShouldRetry(currentRetryCount: 30, timeElapsedMillisecondsSinceLastRetry: 2000));
        Assert.False(ConfigurationOptions.Parse("cache:6379").ReconnectRetryPolicy.ShouldRetry(currentRetryCount: 30, timeElapsedMillisecondsSinceLastRetry: 2000));
    }

    [Fact]
    public void BuildConfiguration_KeepsTheReconnectPolicyOfTheCallersConfiguration()
    {
        var policy = new LinearRetry(7000);
        var given = ConfigurationOptions.Parse("cache:6379");
        given.ReconnectRetryPolicy = policy;

        var built = RedisConnection.BuildConfiguration(new RedisCacheOptions { ConfigurationOptions = given });

        Assert.Same(policy, built.ReconnectRetryPolicy);
    }

    [Fact]
    public void Validator_NamesEachUnusableSetting_OnItsOwnLine()
    {
        var options = new RedisCacheOptions
        {
            ConnectionString = " ",
            User = " ",
            KeyPrefix = string.Empty,
            ConnectTimeout = TimeSpan.Zero,
            OperationTimeout = TimeSpan.FromSeconds(-1),
            ReconnectDelayLimit = TimeSpan.Zero,
            FenceRetention = TimeSpan.Zero,
        };

        var result = new RedisCacheOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Equal(
            ["Redis:ConnectionString", "Redis:User", "Redis:KeyPrefix", "Redis:ConnectTimeout", "Redis:OperationTimeout", "Redis:ReconnectDelayLimit", "Redis:FenceRetention"],
            result.Failures!.Select(f => f.Split(' ')[0]));
    }

    [Fact]
    public void Validator_RefusesAConnectionStringStackExchangeRedisCannotRead_WithoutRepeatingIt()
    {
        var result = new RedisCacheOptionsValidator().Validate(null, new RedisCacheOptions { ConnectionString = $"cache:6379,passwrd={Secret}" });

        var failure = Assert.Single(result.Failures!);
        Assert.StartsWith("Redis:ConnectionString cannot be read", failure, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Validator_AcceptsTheDefaults() =>
        Assert.True(new RedisCacheOptionsValidator().Validate(null, new RedisCacheOptions()).Succeeded);
}
