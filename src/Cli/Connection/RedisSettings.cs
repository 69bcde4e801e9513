namespace OrleansCache.Cli.Connection;

/// <summary>How to reach the Redis that holds the cluster's membership table (Orleans' Redis clustering).</summary>
/// <param name="Connection">A StackExchange.Redis connection string, e.g. <c>redis.internal:6379,ssl=true</c>.</param>
/// <param name="User">An ACL user name (<c>--redis-user</c>), or null for the connection string's or the default user.</param>
/// <param name="Password">The password from <see cref="PasswordVariable"/>, or null for the connection string's.</param>
/// <remarks><see cref="ToString"/> shows neither the connection string nor the password: either may hold a secret.</remarks>
internal sealed record RedisSettings(string Connection, string? User, string? Password)
{
    /// <summary>Where the Redis password is read: the environment, unlike a command line, is not shown by <c>ps</c>.</summary>
    public const string PasswordVariable = "ORLEANSCACHE_REDIS_PASSWORD";

    public override string ToString() => $"Redis (user {User ?? "(default)"}, password {(Password is null ? "(none)" : "***")})";
}
