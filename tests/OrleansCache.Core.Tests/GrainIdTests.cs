using Xunit;

namespace OrleansCache.Core.Tests;

public sealed class GrainIdTests
{
    [Fact]
    public void Constructor_EmptyKey_Throws()
    {
        Assert.Throws<ArgumentException>(() => new GrainId("t", ""));
    }

    [Fact]
    public void Constructor_KeyOverLimit_ThrowsWithLimitInMessage()
    {
        var ex = Assert.Throws<ArgumentException>(() => new GrainId("t", new string('k', GrainId.MaxKeyLength + 1)));
        Assert.Contains(GrainId.MaxKeyLength.ToString(System.Globalization.CultureInfo.InvariantCulture), ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Equality_IsOrdinal()
    {
        Assert.Equal(new GrainId("t", "user:1"), new GrainId("t", "user:1"));
        Assert.NotEqual(new GrainId("t", "user:1"), new GrainId("t", "USER:1"));
    }
}
