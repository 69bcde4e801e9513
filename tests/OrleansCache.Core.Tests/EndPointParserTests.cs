using System.Net;
using OrleansCache.Core.Messaging;
using Xunit;

namespace OrleansCache.Core.Tests;

public sealed class EndPointParserTests
{
    [Theory]
    [InlineData("localhost:30000", "localhost:30000")]
    [InlineData("127.0.0.1:11111", "127.0.0.1:11111")]
    [InlineData("[::1]:30000", "[::1]:30000")]
    [InlineData("cache-1.internal:1", "cache-1.internal:1")]
    public void Parse_ValidEndpoints_FormatBackTheSame(string text, string formatted)
    {
        Assert.Equal(formatted, EndPointParser.Format(EndPointParser.Parse(text)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("localhost")]
    [InlineData("localhost:")]
    [InlineData(":30000")]
    [InlineData("localhost:0")]
    [InlineData("localhost:70000")]
    [InlineData("localhost:-1")]
    [InlineData("local host:1")]
    public void TryParse_InvalidEndpoints_ReturnsFalse(string text)
    {
        Assert.False(EndPointParser.TryParse(text, out _));
        Assert.Throws<FormatException>(() => EndPointParser.Parse(text));
    }

    [Fact]
    public void Parse_IpAddress_GivesIpEndPoint()
    {
        Assert.IsType<IPEndPoint>(EndPointParser.Parse("10.0.0.5:30000"));
    }
}
