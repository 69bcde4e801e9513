using System.Text;
using OrleansCache.Core.Management;
using OrleansCache.Runtime.Management;

namespace OrleansCache.Redis.Bridge;

/// <summary>
/// The last <see cref="Capacity"/> bridge messages this silo rejected, for the dashboard and the management grain.
/// What is kept of a message is what its log line shows: at most 64 characters, control characters masked.
/// </summary>
internal sealed class RecentBridgeRejections(TimeProvider time) : IRecentRejections
{
    public const int Capacity = 20;

    // Enough bytes to decode the echoed characters from, however wide they are in UTF-8.
    private const int PreviewBytes = BridgeText.MaxEchoLength * 4;

    private readonly Lock _lock = new();
    private readonly RejectedMessage[] _ring = new RejectedMessage[Capacity];
    private int _next;
    private int _count;

    public void Add(string path, string channel, BridgeRejection rejection, ReadOnlySpan<byte> payload)
    {
        var message = new RejectedMessage
        {
            Time = time.GetUtcNow(),
            Source = $"redis-bridge/{path}",
            Channel = BridgeText.Echo(channel),
            Reason = rejection.Reason.ToString(),
            Detail = rejection.Detail,
            Preview = BridgeText.Echo(Encoding.UTF8.GetString(payload[..Math.Min(payload.Length, PreviewBytes)])),
        };
        lock (_lock)
        {
            _ring[_next] = message;
            _next = (_next + 1) % Capacity;
            _count = Math.Min(_count + 1, Capacity);
        }
    }

    public IReadOnlyList<RejectedMessage> Recent()
    {
        lock (_lock)
        {
            var recent = new RejectedMessage[_count];
            for (var i = 0; i < _count; i++)
            {
                recent[i] = _ring[(_next - 1 - i + Capacity) % Capacity];
            }

            return recent;
        }
    }
}
