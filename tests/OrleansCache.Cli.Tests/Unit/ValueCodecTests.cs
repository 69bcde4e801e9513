using System.Text;
using OrleansCache.Cli.Values;
using OrleansCache.Client;
using Xunit;

namespace OrleansCache.Cli.Tests.Unit;

public sealed class ValueCodecTests
{
    [Fact]
    public void StringFormat_IsWhatTheDefaultClientSerializerReadsAsAString()
    {
        var bytes = ValueCodec.Encode("héllo \"quoted\"", ValueFormat.String);

        Assert.Equal("héllo \"quoted\"", new SystemTextJsonCacheSerializer().Deserialize<string>(bytes));
        Assert.Equal(new DecodedValue("héllo \"quoted\"", "string"), ValueCodec.Decode(bytes));
    }

    [Theory]
    [InlineData("{\"a\":1}")]
    [InlineData("[1,2]")]
    [InlineData("42")]
    [InlineData("true")]
    public void JsonFormat_StoresTheTextAsGiven_AndReadsBackAsJson(string json)
    {
        var bytes = ValueCodec.Encode(json, ValueFormat.Json);

        Assert.Equal(Encoding.UTF8.GetBytes(json), bytes);
        Assert.Equal(new DecodedValue(json, "json"), ValueCodec.Decode(bytes));
    }

    [Fact]
    public void JsonFormat_RejectsWhatIsNotJson() =>
        Assert.Throws<CliUsageException>(() => ValueCodec.Encode("{oops", ValueFormat.Json));

    [Fact]
    public void RawFormat_IsTheUtf8Bytes_AndReadsBackAsText()
    {
        var bytes = ValueCodec.Encode("plain ü", ValueFormat.Raw);

        Assert.Equal(Encoding.UTF8.GetBytes("plain ü"), bytes);
        Assert.Equal(new DecodedValue("plain ü", "text"), ValueCodec.Decode(bytes));
    }

    [Fact]
    public void Decode_BytesThatAreNotUtf8_AreBase64()
    {
        byte[] bytes = [0xff, 0xfe, 0x00, 0x01];

        Assert.Equal(new DecodedValue(Convert.ToBase64String(bytes), "base64"), ValueCodec.Decode(bytes));
    }

    [Fact]
    public void RawValueSerializer_PassesBytesThrough_AndRefusesOtherTypes()
    {
        var serializer = new RawValueSerializer();
        byte[] bytes = [1, 2, 3];

        Assert.Same(bytes, serializer.Serialize(new RawValue(bytes)));
        Assert.Equal(bytes, serializer.Deserialize<RawValue>(bytes)!.Bytes);
        Assert.Throws<NotSupportedException>(() => serializer.Serialize("text"));
    }
}
