using System.Buffers;
using System.Buffers.Binary;
using OrleansCache.Core.Messaging;
using OrleansCache.Core.Protocol;
using Xunit;

namespace OrleansCache.Core.Tests;

public sealed class FrameCodecTests
{
    private const int Limit = 1024 * 1024;

    [Fact]
    public void WriteThenRead_RoundTripsEnvelope()
    {
        var buffer = new ArrayBufferWriter<byte>();
        var sent = new Envelope { Request = new Request { Id = 7, GrainType = "t", GrainKey = "user:1", Method = "Get", TimeoutMs = 100 } };
        FrameCodec.Write(buffer, sent, Limit);

        var sequence = new ReadOnlySequence<byte>(buffer.WrittenMemory);
        Assert.True(FrameCodec.TryReadFrame(ref sequence, Limit, out var payload));
        Assert.Equal(sent, FrameCodec.Parse(payload));
        Assert.True(sequence.IsEmpty);
    }

    [Fact]
    public void TryReadFrame_PartialFrame_WaitsForMoreBytes()
    {
        var buffer = new ArrayBufferWriter<byte>();
        FrameCodec.Write(buffer, new Envelope { Ping = new Ping { Nonce = 1 } }, Limit);
        var whole = buffer.WrittenMemory;

        for (var cut = 0; cut < whole.Length; cut++)
        {
            var partial = new ReadOnlySequence<byte>(whole[..cut]);
            Assert.False(FrameCodec.TryReadFrame(ref partial, Limit, out _));
            Assert.Equal(cut, partial.Length);
        }
    }

    [Fact]
    public void TryReadFrame_TwoFramesInOneBuffer_ReadsBoth()
    {
        var buffer = new ArrayBufferWriter<byte>();
        FrameCodec.Write(buffer, new Envelope { Ping = new Ping { Nonce = 1 } }, Limit);
        FrameCodec.Write(buffer, new Envelope { Pong = new Pong { Nonce = 2 } }, Limit);
        var sequence = new ReadOnlySequence<byte>(buffer.WrittenMemory);

        Assert.True(FrameCodec.TryReadFrame(ref sequence, Limit, out var first));
        Assert.Equal(1UL, FrameCodec.Parse(first).Ping.Nonce);
        Assert.True(FrameCodec.TryReadFrame(ref sequence, Limit, out var second));
        Assert.Equal(2UL, FrameCodec.Parse(second).Pong.Nonce);
    }

    [Theory]
    [InlineData(0x80000000u)]
    [InlineData(0xFFFFFFFFu)]
    [InlineData((uint)Limit + 1)]
    public void TryReadFrame_DeclaredLengthOverLimit_ThrowsBeforeBuffering(uint declared)
    {
        var header = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(header, declared);
        var sequence = new ReadOnlySequence<byte>(header);

        var ex = Assert.Throws<ProtocolViolationException>(() => FrameCodec.TryReadFrame(ref sequence, Limit, out _));
        Assert.Contains("limit", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_GarbagePayload_ThrowsProtocolViolation()
    {
        var garbage = new ReadOnlySequence<byte>([0xFF, 0xFF, 0xFF, 0xFF, 0xFF]);
        Assert.Throws<ProtocolViolationException>(() => FrameCodec.Parse(garbage));
    }

    [Fact]
    public void Parse_EmptyEnvelope_ThrowsProtocolViolation()
    {
        Assert.Throws<ProtocolViolationException>(() => FrameCodec.Parse(ReadOnlySequence<byte>.Empty));
    }

    [Fact]
    public void Write_EnvelopeOverLimit_ThrowsMessageTooLarge()
    {
        var big = new Envelope { Push = new Push { Payload = Google.Protobuf.ByteString.CopyFrom(new byte[2048]) } };
        Assert.Throws<MessageTooLargeException>(() => FrameCodec.Write(new ArrayBufferWriter<byte>(), big, 1024));
    }
}
