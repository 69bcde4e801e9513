using StackExchange.Redis;

namespace OrleansCache.Cli.Connection;

/// <summary>The Redis configuration of Orleans' Redis clustering on the tool's client.</summary>
internal static class RedisClustering
{
    /// <summary>
    /// Parses <c>--redis</c>, adds <c>--redis-user</c> and the password from the environment, and gives up connecting
    /// within <paramref name="timeout"/> (so an unreachable Redis is reported as such, not as a bare timeout).
    /// </summary>
    /// <exception cref="CliUsageException">The connection string cannot be parsed (the message never repeats it).</exception>
    public static ConfigurationOptions Configuration(RedisSettings redis, TimeSpan timeout)
    {
        ConfigurationOptions options;
        try
        {
            options = ConfigurationOptions.Parse(redis.Connection);
        }
        catch (ArgumentException ex)
        {
            throw new CliUsageException($"--redis is not a StackExchange.Redis connection string (e.g. redis.internal:6379,ssl=true): {Redact(ex.Message, redis)}");
        }

        if (options.EndPoints.Count == 0)
        {
            throw new CliUsageException("--redis names no Redis server (e.g. redis.internal:6379).");
        }

        if (redis.User is { } user)
        {
            options.User = user;
        }

        if (redis.Password is { } password)
        {
            options.Password = password;
        }

        options.AbortOnConnectFail = true;
        options.ConnectRetry = 1;
        options.ConnectTimeout = (int)Math.Min(options.ConnectTimeout, Math.Max(1, timeout.TotalMilliseconds * 0.8));
        options.SyncTimeout = options.AsyncTimeout = (int)Math.Max(1, timeout.TotalMilliseconds);
        return options;
    }

    /// <summary>Removes the password from a message, wherever it came from.</summary>
    public static string Redact(string message, RedisSettings? redis)
    {
        if (redis is null)
        {
            return message;
        }

        string?[] secrets = [redis.Password, TryParsePassword(redis.Connection)];
        foreach (var secret in secrets)
        {
            if (!string.IsNullOrEmpty(secret))
            {
                message = message.Replace(secret, "***", StringComparison.Ordinal);
            }
        }

        return message;
    }

    private static string? TryParsePassword(string connection)
    {
        try
        {
            return ConfigurationOptions.Parse(connection).Password;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }
}
