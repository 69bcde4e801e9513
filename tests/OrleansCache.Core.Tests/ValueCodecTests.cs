using Google.Protobuf;
using OrleansCache.Core.Proxies;
using Xunit;

namespace OrleansCache.Core.Tests;

public sealed class ValueCodecTests
{
    public sealed record Person(string Name, int Age, string[] Tags);

    [Fact]
    public void ByteArrays_TravelRaw_AndKeepNullApartFromEmpty()
    {
        byte[] payload = [1, 2, 3];
        Assert.Equal(payload, ValueCodec.Decode(ValueCodec.Encode(payload, typeof(byte[])), typeof(byte[])));
        Assert.Equal(payload.Length + 1, ValueCodec.Encode(payload, typeof(byte[])).Length);
        Assert.Empty((byte[])ValueCodec.Decode(ValueCodec.Encode(Array.Empty<byte>(), typeof(byte[])), typeof(byte[]))!);
        Assert.Null(ValueCodec.Decode(ValueCodec.Encode(null, typeof(byte[])), typeof(byte[])));
    }

    [Fact]
    public void Records_RoundTripThroughJson()
    {
        var person = new Person("Ada", 36, ["admin"]);
        var decoded = (Person)ValueCodec.Decode(ValueCodec.Encode(person, typeof(Person)), typeof(Person))!;
        Assert.Equal(person.Name, decoded.Name);
        Assert.Equal(person.Tags, decoded.Tags);
    }

    [Fact]
    public void Decode_Malformed_ThrowsFormatException()
    {
        Assert.Throws<FormatException>(() => ValueCodec.Decode(ByteString.CopyFromUtf8("{not json"), typeof(Person)));
        Assert.Throws<FormatException>(() => ValueCodec.Decode(ByteString.Empty, typeof(byte[])));
        Assert.Throws<FormatException>(() => ValueCodec.Decode(ByteString.CopyFrom(9), typeof(byte[])));
    }

    [Fact]
    public void Decode_DeeplyNestedJson_IsRejectedNotStackOverflow()
    {
        var nested = new string('[', 10_000) + new string(']', 10_000);
        Assert.Throws<FormatException>(() => ValueCodec.Decode(ByteString.CopyFromUtf8(nested), typeof(object)));
    }
}
