using System.Buffers;

namespace OrleansCache.Fuzz.Tests.Messaging;

/// <summary>A byte array as a multi-segment sequence, the way a pipe hands over data that arrived in pieces.</summary>
internal static class SegmentedSequence
{
    public static ReadOnlySequence<byte> Create(byte[] bytes, int segmentLength)
    {
        if (bytes.Length <= segmentLength)
        {
            return new ReadOnlySequence<byte>(bytes);
        }

        var first = new Segment(bytes.AsMemory(0, segmentLength), 0);
        var last = first;
        for (var start = segmentLength; start < bytes.Length; start += segmentLength)
        {
            last = last.Append(bytes.AsMemory(start, Math.Min(segmentLength, bytes.Length - start)));
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
