using OrleansCache.Redis.Diagnostics;
using Xunit;

namespace OrleansCache.Redis.Tests.Bridge;

public sealed class UntrustedTextTests
{
    [Fact]
    public void ForLog_LongText_IsCutTo256Characters_AndSaysHowLongItWas()
    {
        var text = new string('x', 10 * 1024 * 1024);

        var shown = UntrustedText.ForLog(text);

        Assert.Equal(new string('x', 256) + "…(10485760 chars)", shown);
    }

    [Fact]
    public void ForLog_ControlCharacters_AreMasked_SoNoLineIsForged()
    {
        Assert.Equal("a?b?c", UntrustedText.ForLog("a\nb\u0000c"));
    }

    [Fact]
    public void ForLog_ShortCleanText_IsReturnedAsIs()
    {
        const string Text = "cache:invalidate";
        Assert.Same(Text, UntrustedText.ForLog(Text));
    }

    [Fact]
    public void ForLog_NeverEndsOnHalfASurrogatePair()
    {
        var text = new string('x', 255) + "😀" + "tail";

        var shown = UntrustedText.ForLog(text);

        Assert.StartsWith(new string('x', 255) + "…", shown, StringComparison.Ordinal);
    }
}
