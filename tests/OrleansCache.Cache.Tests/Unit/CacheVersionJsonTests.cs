using System.Text.Json;
using OrleansCache.Grains.Interfaces;
using Xunit;

namespace OrleansCache.Cache.Tests.Unit;

public sealed class CacheVersionJsonTests
{
    [Fact]
    public void Version_RoundTrips_InTheShapeTheDefaultSerializerUsed()
    {
        var version = new CacheVersion(3, long.MaxValue, 7);

        var json = JsonSerializer.Serialize(version);

        Assert.Equal($$"""{"Era":3,"Activation":{{long.MaxValue}},"Change":7}""", json);
        Assert.Equal(version, JsonSerializer.Deserialize<CacheVersion>(json));
        // Inside another value, and with fields in any order.
        var entry = JsonSerializer.Deserialize<CacheEntry>("""{"Value":null,"Version":{"Change":2,"Era":1,"Activation":5},"ExpiresAt":null,"Tags":[]}""")!;
        Assert.Equal(new CacheVersion(1, 5, 2), entry.Version);
    }

    [Theory]
    [InlineData("""[1,2,3]""")]
    [InlineData("""{"Era":"1"}""")]
    [InlineData("""{"Era":1,"Epoch":2}""")]
    [InlineData("""{"Era":1.5}""")]
    public void MalformedVersion_IsAJsonError(string json) =>
        Assert.ThrowsAny<JsonException>(() => JsonSerializer.Deserialize<CacheVersion>(json));
}
