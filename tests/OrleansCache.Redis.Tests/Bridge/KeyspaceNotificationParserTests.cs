using OrleansCache.Redis.Bridge.Parsing;
using Xunit;

namespace OrleansCache.Redis.Tests.Bridge;

public sealed class KeyspaceNotificationParserTests
{
    private static readonly BridgeLimits Limits = new();

    [Theory]
    [InlineData("__keyspace@0__:user:1", "user:1")]
    [InlineData("__keyspace@15__:user:a__:b", "user:a__:b")]
    public void Parse_NotificationUnderThePrefix_InvalidatesThatKey(string channel, string key)
    {
        var result = KeyspaceNotificationParser.Parse(channel, "user:", Limits);

        Assert.Equal([key], result.Invalidation!.Keys);
    }

    [Theory]
    // Found while writing the bridge fuzzer's invariants (docs/fuzzing.md): the subscription pattern
    // __keyspace@*__:user:* also matches when its first '*' swallows part of the key, so a key outside the prefix
    // (here "x__:user:1") was invalidated.
    [InlineData("__keyspace@0__:x__:user:1")]
    [InlineData("__keyspace@x__:user:1")]
    [InlineData("__keyspace@__:user:1")]
    [InlineData("__keyspace@0__:other:1")]
    [InlineData("__keyevent@0__:del")]
    [InlineData("__keyspace@0__:user:\u0001")]
    public void Parse_ChannelThatIsNotANotificationUnderThePrefix_IsRejected(string channel)
    {
        var result = KeyspaceNotificationParser.Parse(channel, "user:", Limits);

        Assert.Null(result.Invalidation);
        Assert.Equal(BridgeRejectionReason.InvalidCharacters, result.Rejection!.Reason);
    }

    [Fact]
    public void Parse_KeyOverTheLengthLimit_IsRejectedAsTooLong()
    {
        var result = KeyspaceNotificationParser.Parse("__keyspace@0__:user:" + new string('k', 2000), "user:", Limits);

        Assert.Equal(BridgeRejectionReason.ValueTooLong, result.Rejection!.Reason);
    }
}
