using System.Diagnostics;
using OrleansCache.Benchmarks.Infrastructure;
using StackExchange.Redis;

namespace OrleansCache.Benchmarks.Pairs.Invalidation;

/// <summary>
/// Redis pub/sub: one publishing connection and N subscriber connections; each repeat publishes on a channel of its own,
/// subscribed before and unsubscribed after. A message arrives when a subscriber's handler runs.
/// </summary>
internal sealed class RedisPubSubSide : IInvalidationSide
{
    private readonly string _prefix;
    private readonly int _redisProcessId;
    private readonly ConnectionMultiplexer _publisher;
    private readonly List<ConnectionMultiplexer> _subscribers;

    private RedisPubSubSide(string prefix, int redisProcessId, ConnectionMultiplexer publisher, List<ConnectionMultiplexer> subscribers)
    {
        _prefix = prefix;
        _redisProcessId = redisProcessId;
        _publisher = publisher;
        _subscribers = subscribers;
    }

    public static async Task<RedisPubSubSide> StartAsync(string redisConnection, int redisProcessId, int receivers, string prefix)
    {
        var subscribers = new List<ConnectionMultiplexer>();
        try
        {
            var publisher = await ConnectionMultiplexer.ConnectAsync(redisConnection);
            for (var i = 0; i < receivers; i++)
            {
                subscribers.Add(await ConnectionMultiplexer.ConnectAsync(redisConnection));
            }

            return new RedisPubSubSide(prefix, redisProcessId, publisher, subscribers);
        }
        catch
        {
            subscribers.ForEach(s => s.Dispose());
            throw;
        }
    }

    public async Task<SideRun> AtRateAsync(string repeat, int messages, double rate, CancellationToken cancellationToken)
    {
        var tracker = new DeliveryTracker(messages, _subscribers.Count, warmup: messages / 10);
        var channel = RedisChannel.Literal(_prefix + repeat);
        using var subscription = await SubscribeAllAsync(channel, tracker);
        var publisher = _publisher.GetSubscriber();
        var meter = PhaseMeter.Start([_redisProcessId]);
        await Measure.PacedAsync(messages, rate, i =>
        {
            tracker.Started(i);
            return publisher.PublishAsync(channel, i);
        });
        var missing = await tracker.WaitAsync(DeliveryTracker.PatientTimeout);
        return new SideRun(tracker.Latencies.Summary(), meter.Stop()) { Missing = missing };
    }

    public async Task<SideThroughput> ThroughputAsync(string repeat, int messages, CancellationToken cancellationToken)
    {
        var tracker = new DeliveryTracker(messages, _subscribers.Count, warmup: 0);
        var channel = RedisChannel.Literal(_prefix + repeat);
        using var subscription = await SubscribeAllAsync(channel, tracker);
        var publisher = _publisher.GetSubscriber();
        var start = Stopwatch.GetTimestamp();
        await Measure.InFlightAsync(messages, 64, i => publisher.PublishAsync(channel, i));
        var missing = await tracker.WaitAsync(DeliveryTracker.PatientTimeout);
        return new SideThroughput(messages / Stopwatch.GetElapsedTime(start).TotalSeconds, missing, 0);
    }

    public ValueTask DisposeAsync()
    {
        _publisher.Dispose();
        _subscribers.ForEach(s => s.Dispose());
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// Subscribes every subscriber to <paramref name="channel"/> until the result is disposed; SUBSCRIBE is acknowledged,
    /// so once this returns every message is delivered.
    /// </summary>
    private async Task<IDisposable> SubscribeAllAsync(RedisChannel channel, DeliveryTracker tracker)
    {
        await Task.WhenAll(_subscribers.Select((s, receiver) => s.GetSubscriber().SubscribeAsync(channel, (_, value) => tracker.Arrived(receiver, (int)value))));
        return new Unsubscriber(() => _subscribers.ForEach(s => s.GetSubscriber().Unsubscribe(channel)));
    }
}
