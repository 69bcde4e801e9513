using System.Buffers;
using Google.Protobuf;
using OrleansCache.Core.Messaging;
using OrleansCache.Core.Protocol;
using OrleansCache.TestSupport.Fuzzing;
using Xunit;

namespace OrleansCache.Fuzz.Tests.Messaging;

/// <summary>
/// The frame decoder on its own: for any bytes it yields valid envelopes, waits for more, or throws
/// <see cref="ProtocolViolationException"/>; never another exception, and it allocates in proportion to the bytes
/// received, never to the length a frame declares.
/// </summary>
public sealed class FrameDecoderFuzzTests
{
    // Small, default and largest limits: the first makes "too large" reachable with short inputs, the last lets a
    // declared 2 GiB length through the size check so that only the missing bytes stop it.
    private static readonly int[] FrameLimits = [1024, 16 * 1024 * 1024, int.MaxValue];

    [Fact]
    public void TryReadFrameAndParse_MutatedFrameStreams_YieldEnvelopesOrProtocolViolations_BoundedAllocation()
    {
        var options = new FuzzOptions("frame-decoder", ciInputs: 40_000)
        {
            // Each input is decoded twice (once split into segments of a few bytes, each segment an object) and every
            // envelope re-encoded once; protobuf copies strings (UTF-16: twice the bytes) and byte fields, and an
            // exception costs a few KiB: a bounded multiple of the input. What must never show is an allocation the
            // size of a declared length (up to 4 GiB) before its bytes are there.
            MaxAllocatedBytes = length => 64 * 1024 + (128L * length),
        };

        var report = Fuzzer.Run(options, FrameStreamGenerator.Generate, Decode);

        report.Publish();
        Assert.Equal(options.Inputs, report.Tried);
        // The generator must reach every branch: whole envelopes, waiting for more, and each kind of refusal.
        Assert.True(report.Count("envelopes") > 0 && report.Count("incomplete") > 0 && report.Count("too-large") > 0
            && report.Count("not-an-envelope") > 0 && report.Count("empty-envelope") > 0, report.ToString());
    }

    [Fact]
    public void TryReadFrame_DeclaredLengthOf2GiB_AllocatesNothingAndWaitsOrRefuses()
    {
        byte[] header = [0x7F, 0xFF, 0xFF, 0xFF, 1, 2, 3];
        void Refused() => Assert.Throws<ProtocolViolationException>(() =>
        {
            var again = new ReadOnlySequence<byte>(header);
            FrameCodec.TryReadFrame(ref again, 16 * 1024 * 1024, out _);
        });

        // Warmed first, so code loaded on first use is not counted (as in FrameCodecTests).
        var warm = new ReadOnlySequence<byte>(header);
        FrameCodec.TryReadFrame(ref warm, int.MaxValue, out _);
        Refused();
        var before = GC.GetAllocatedBytesForCurrentThread();
        var buffer = new ReadOnlySequence<byte>(header);
        var waits = FrameCodec.TryReadFrame(ref buffer, int.MaxValue, out _);
        Refused();
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.False(waits);
        Assert.InRange(allocated, 0, 8 * 1024);
    }

    /// <summary>
    /// Decodes the bytes twice, as one segment and as many small ones, and checks both give the same answer: the
    /// decoder must not depend on how the bytes arrived.
    /// </summary>
    private static string Decode(byte[] input)
    {
        var limit = FrameLimits[input.Length % FrameLimits.Length];
        var whole = DecodeAll(new ReadOnlySequence<byte>(input), limit);
        var pieces = DecodeAll(SegmentedSequence.Create(input, 1 + (input.Length % 13)), limit);
        if (whole != pieces)
        {
            throw new InvalidOperationException($"Decoding depends on segmentation: '{whole}' as one segment, '{pieces}' in pieces.");
        }

        return whole.Outcome;
    }

    private static Decoded DecodeAll(ReadOnlySequence<byte> buffer, int limit)
    {
        var envelopes = 0;
        try
        {
            while (FrameCodec.TryReadFrame(ref buffer, limit, out var payload))
            {
                var envelope = FrameCodec.Parse(payload);
                envelopes++;
                CheckRoundTrip(envelope, limit);
            }

            return new Decoded(buffer.IsEmpty ? "envelopes" : "incomplete", envelopes, buffer.Length);
        }
        catch (ProtocolViolationException ex)
        {
            var outcome = ex.Message switch
            {
                var m when m.StartsWith("Frame declares", StringComparison.Ordinal) => "too-large",
                var m when m.Contains("empty or unknown", StringComparison.Ordinal) => "empty-envelope",
                _ => "not-an-envelope",
            };
            return new Decoded(outcome, envelopes, buffer.Length);
        }
    }

    /// <summary>An envelope the decoder accepted is one the encoder writes back and the decoder reads again, unchanged.</summary>
    private static void CheckRoundTrip(Envelope envelope, int limit)
    {
        var writer = new ArrayBufferWriter<byte>();
        try
        {
            FrameCodec.Write(writer, envelope, limit);
        }
        catch (OrleansCache.Core.MessageTooLargeException)
        {
            // Unknown fields are not re-encoded identically in size; a re-encoding just over the limit is refused, as it must be.
            return;
        }

        var again = new ReadOnlySequence<byte>(writer.WrittenMemory);
        if (!FrameCodec.TryReadFrame(ref again, limit, out var payload) || !FrameCodec.Parse(payload).Equals(envelope))
        {
            throw new InvalidOperationException($"Envelope {envelope} does not survive a write and a read.");
        }
    }

    private sealed record Decoded(string Outcome, int Envelopes, long Left);
}
