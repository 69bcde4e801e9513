using StackExchange.Redis;

namespace OrleansCache.Silo.Hosting;

/// <summary>
/// What kept the silo from Redis at its start, for its one line: the failure type of the first Redis connection
/// exception in the chain, except that an authentication failure seen anywhere in it wins.
/// </summary>
/// <remarks>
/// Several parts of the silo connect at once (Orleans' clustering, the cache's storage and bridge), and which one fails
/// first decides the exception's shape: a backlog timeout whose message names the last connection exception, an inner
/// exception, or StackExchange.Redis's "not possible to connect ... There was an authentication failure" with the
/// type <see cref="ConnectionFailureType.UnableToConnect"/>. A wrong password is the most useful thing to report, and
/// CI saw the same wrong password reported both ways.
/// </remarks>
internal static class RedisStartFailure
{
    /// <summary>The failure's type, or null when no Redis connection exception is in <paramref name="exception"/>'s chain.</summary>
    public static ConnectionFailureType? TypeOf(Exception exception)
    {
        ConnectionFailureType? first = null;
        foreach (var current in Chain(exception))
        {
            if (current is RedisConnectionException redis)
            {
                first ??= redis.FailureType;
                if (redis.FailureType == ConnectionFailureType.AuthenticationFailure)
                {
                    return ConnectionFailureType.AuthenticationFailure;
                }
            }

            if (first is not null && NamesAuthenticationFailure(current.Message))
            {
                return ConnectionFailureType.AuthenticationFailure;
            }
        }

        return first;
    }

    private static bool NamesAuthenticationFailure(string message) =>
        message.Contains(nameof(ConnectionFailureType.AuthenticationFailure), StringComparison.Ordinal)
        || message.Contains("authentication failure", StringComparison.OrdinalIgnoreCase)
        || message.Contains("WRONGPASS", StringComparison.Ordinal)
        || message.Contains("NOAUTH", StringComparison.Ordinal);

    private static IEnumerable<Exception> Chain(Exception exception)
    {
        var pending = new Stack<Exception>([exception]);
        while (pending.TryPop(out var current))
        {
            yield return current;
            if (current is AggregateException aggregate)
            {
                foreach (var inner in aggregate.InnerExceptions.Reverse())
                {
                    pending.Push(inner);
                }
            }
            else if (current.InnerException is { } inner)
            {
                pending.Push(inner);
            }
        }
    }
}
