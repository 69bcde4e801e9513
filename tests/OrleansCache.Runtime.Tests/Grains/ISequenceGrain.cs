using OrleansCache.Core;

namespace OrleansCache.Runtime.Tests.Grains;

[GrainType("test-sequence")]
public interface ISequenceGrain : IGrainWithStringKey
{
    /// <summary>Increments a counter across an await, so overlapping calls would lose increments.</summary>
    Task<CallInfo> NextAsync();

    /// <summary>Blocks inside the grain until the test opens <paramref name="gate"/>.</summary>
    Task<CallInfo> WaitAtGateAsync(string gate);

    Task<int> FailAsync(string message);

    Task<byte[]?> EchoAsync(byte[]? payload);

    /// <summary>Reads the counter alongside whatever call is running.</summary>
    [AlwaysInterleave]
    Task<int> PeekAsync();

    /// <summary>Calls another grain of this type from inside this one.</summary>
    Task<CallInfo> CallOtherAsync(string otherKey);
}
