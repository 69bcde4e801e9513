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
        var chain = Chain(exception).ToList();
        if (chain.OfType<RedisConnectionException>().FirstOrDefault() is not { } first)
        {
            return null;
        }

        return chain.Any(IsAuthenticationFailure) ? ConnectionFailureType.AuthenticationFailure : first.FailureType;
    }

    private static bool IsAuthenticationFailure(Exception exception) =>
        exception is RedisConnectionException { FailureType: ConnectionFailureType.AuthenticationFailure }
        || exception.Message.Contains(nameof(ConnectionFailureType.AuthenticationFailure), StringComparison.Ordinal)
        || exception.Message.Contains("authentication failure", StringComparison.OrdinalIgnoreCase)
        || exception.Message.Contains("WRONGPASS", StringComparison.Ordinal)
        || exception.Message.Contains("NOAUTH", StringComparison.Ordinal);

    private static IEnumerable<Exception> Chain(Exception exception) => exception switch
    {
        AggregateException aggregate => [exception, .. aggregate.InnerExceptions.SelectMany(Chain)],
        { InnerException: { } inner } => [exception, .. Chain(inner)],
        _ => [exception],
    };
}
