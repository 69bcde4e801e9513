using OrleansCache.Silo.Hosting;
using StackExchange.Redis;
using Xunit;

namespace OrleansCache.Silo.Tests.Hosting;

/// <summary>The type the silo's one line names when Redis cannot be reached at its start, whatever shape the exception took.</summary>
public sealed class RedisStartFailureTests
{
    [Fact]
    public void AnAuthenticationFailure_NamedOnlyInTheMessage_IsReportedAsOne()
    {
        // StackExchange.Redis's own shape when ConnectAsync gives up after a refused password.
        var connect = Failure(ConnectionFailureType.UnableToConnect, "It was not possible to connect to the redis server(s). There was an authentication failure; check that passwords (or client certificates) are configured correctly.");
        var backlog = Failure(ConnectionFailureType.UnableToConnect, "The message timed out in the backlog attempting to send because no connection became available (5000ms) - Last Connection Exception: AuthenticationFailure on 127.0.0.1:6379/Interactive");

        Assert.Equal(ConnectionFailureType.AuthenticationFailure, RedisStartFailure.TypeOf(new InvalidOperationException("start failed", connect)));
        Assert.Equal(ConnectionFailureType.AuthenticationFailure, RedisStartFailure.TypeOf(backlog));
    }

    [Fact]
    public void AnAuthenticationFailure_AnywhereInTheChain_Wins()
    {
        var inner = Failure(ConnectionFailureType.AuthenticationFailure, "WRONG");
        var outer = Failure(ConnectionFailureType.UnableToConnect, "timed out", inner);

        Assert.Equal(ConnectionFailureType.AuthenticationFailure, RedisStartFailure.TypeOf(new AggregateException(new TimeoutException(), outer)));
    }

    [Fact]
    public void OtherFailures_AreReportedAsTheyAre_AndNonRedisOnesNotAtAll()
    {
        var refused = Failure(ConnectionFailureType.UnableToConnect, "It was not possible to connect to the redis server(s). SocketFailure on 127.0.0.1:1");

        Assert.Equal(ConnectionFailureType.UnableToConnect, RedisStartFailure.TypeOf(new AggregateException(refused)));
        Assert.Null(RedisStartFailure.TypeOf(new InvalidOperationException("NOAUTH mentioned, but no Redis connection failed")));
    }

    private static RedisConnectionException Failure(ConnectionFailureType type, string message, Exception? inner = null) =>
        new(type, CommandFlags.None, message, inner, CommandStatus.Unknown);
}
