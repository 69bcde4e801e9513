using OrleansCache.Core.Membership;
using Xunit;

namespace OrleansCache.Core.Tests;

public sealed class SiloAddressTests
{
    [Fact]
    public void ParseOfToString_RoundTrips()
    {
        var address = new SiloAddress("10.0.0.5", 11111, 638_000_000_000_000_000);
        Assert.Equal(address, SiloAddress.Parse(address.ToString()));
    }

    [Theory]
    [InlineData("10.0.0.5:11111")]
    [InlineData("10.0.0.5@5")]
    [InlineData("host:port@5")]
    [InlineData("host:1@gen")]
    public void Parse_Malformed_ThrowsFormatException(string text)
    {
        Assert.Throws<FormatException>(() => SiloAddress.Parse(text));
    }

    [Fact]
    public void Incarnations_OnSameEndPoint_AreDifferentSilos()
    {
        var first = new SiloAddress("h", 1, 1);
        var second = first with { Generation = 2 };
        Assert.NotEqual(first, second);
        Assert.Equal(first.EndPoint, second.EndPoint);
    }
}
