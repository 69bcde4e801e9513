using OrleansCache.Core.Protocol;

namespace OrleansCache.Runtime.Messaging;

/// <summary>How long a request that arrived over the wire may take, as the silo's timers can express it.</summary>
internal static class RequestTimeout
{
    /// <summary>
    /// The longest timeout honoured, about 24.8 days. The wire carries up to <see cref="uint.MaxValue"/> ms, more than
    /// timers and <c>WaitAsync</c> accept; such a request made them throw instead of being answered (found by the fuzz
    /// suite, docs/fuzzing.md). A caller asking for longer gets "practically forever" all the same.
    /// </summary>
    public static readonly TimeSpan Max = TimeSpan.FromMilliseconds(int.MaxValue);

    /// <summary>The request's timeout, capped at <see cref="Max"/>; <paramref name="fallback"/> when it names none (0).</summary>
    public static TimeSpan Of(Request request, TimeSpan fallback) =>
        request.TimeoutMs == 0 ? fallback : TimeSpan.FromMilliseconds(Math.Min(request.TimeoutMs, (uint)int.MaxValue));
}
