using System.Globalization;
using Google.Protobuf;
using OrleansCache.Core.Messaging;
using OrleansCache.Core.Protocol;
using OrleansCache.Core.Proxies;
using OrleansCache.Grains.Interfaces;
using OrleansCache.Grains.Interfaces.Protocol;
using OrleansCache.TestSupport.Fuzzing;

namespace OrleansCache.Fuzz.Tests.Silo;

/// <summary>
/// What a hostile or broken peer sends a silo, built field by field: requests to the cache's real grains with odd
/// keys, methods, argument bytes, timeouts, hop counts and membership versions; pushes on the client and silo streams.
/// Everything here is well-formed protobuf; the fuzz test mutates the bytes on top when it wants them malformed.
/// </summary>
internal static class SiloInputGenerator
{
    /// <summary>The keys requests use: few, so that every activation they touch can be checked afterwards.</summary>
    public static readonly string[] Keys = [.. Enumerable.Range(0, 12).Select(i => "fuzz:" + i.ToString(CultureInfo.InvariantCulture))];

    private static readonly GrainInterfaceDescriptor[] Interfaces =
    [
        GrainInterfaceDescriptor.For(typeof(ICacheEntryGrain)),
        GrainInterfaceDescriptor.For(typeof(ICacheCoordinatorGrain)),
    ];

    private static readonly string[] JsonFieldNames = ["Ttl", "Tags", "ttl", "tags", "Era", "Activation", "Change", "$type", "Value"];

    private static readonly string[] Tags = ["t1", "tenant:42", "a.b-c_d/e", string.Empty, "bad tag!", "\u00e9", new string('t', 257)];

    private static readonly string[] Patterns = ["*", "fuzz:*", "fuzz:?", "?", "[a]", "a\\b", string.Empty, "**", new string('*', 2000)];

    private static readonly TimeSpan[] Durations =
    [
        TimeSpan.Zero, TimeSpan.FromTicks(1), TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(300), TimeSpan.FromSeconds(30),
        TimeSpan.FromDays(60), TimeSpan.FromMilliseconds(-1), TimeSpan.FromSeconds(-5), TimeSpan.MaxValue, TimeSpan.MinValue,
    ];

    public static Hello Hello(string clusterId, PeerRole role, long index) => new()
    {
        ProtocolVersion = FrameCodec.ProtocolVersion,
        ClusterId = clusterId,
        Role = role,
        PeerName = role == PeerRole.Silo
            ? $"127.0.0.1:{(1 + (index % 60_000)).ToString(CultureInfo.InvariantCulture)}@{index.ToString(CultureInfo.InvariantCulture)}"
            : $"fuzz-client-{index.ToString(CultureInfo.InvariantCulture)}",
    };

    /// <summary>A request that reaches the silo intact: whatever is in it, the silo must answer it.</summary>
    /// <param name="boundedWaits">Keep the waits a grain method is asked for (WaitForFillAsync) short, so every answer comes soon.</param>
    public static Request Request(Random random, ulong id, bool boundedWaits)
    {
        var request = new Request
        {
            Id = id,
            TimeoutMs = random.Next(3) == 0 ? random.Pick(InterestingValues.UInt32s) : 0,
            Hops = random.OneIn(4) ? random.Pick(InterestingValues.UInt32s) : 0,
            MembershipVersion = random.OneIn(4) ? random.Pick(InterestingValues.Int64s) : 0,
            GrainKey = random.OneIn(8) ? random.Pick(InterestingValues.Strings) : random.Pick(Keys),
        };

        var grain = random.Pick(Interfaces);
        var method = random.Pick(grain.ByName.Values.ToList());
        request.GrainType = grain.GrainType;
        request.Method = method.Name;
        switch (random.Next(20))
        {
            case 0:
                request.Method = random.OneIn(2) ? random.Pick(InterestingValues.Strings) : method.Name.ToUpperInvariant();
                break;
            case 1:
                request.GrainType = random.Pick(["nope", "Cache-Entry", "cache-entry ", .. InterestingValues.Strings]);
                break;
            case 2:
                // Addressed to a silo's system target rather than to a grain.
                request.GrainType = "$system";
                request.GrainKey = random.OneIn(4) ? random.Pick(InterestingValues.Strings) : "cache-index";
                request.Method = random.Pick(["pattern", "tag", "nope", string.Empty]);
                request.Arguments.Add(ByteString.CopyFromUtf8(random.OneIn(2) ? random.Pick(Patterns) : random.Pick(Tags)));
                return request;
        }

        foreach (var type in method.ArgumentTypes)
        {
            var value = ValueCodec.Encode(RandomValue(random, type, boundedWaits), type);
            request.Arguments.Add(random.OneIn(6) ? MutateArgument(random, value) : value);
        }

        if (random.OneIn(12))
        {
            // Too few or too many.
            if (request.Arguments.Count > 0 && random.OneIn(2))
            {
                request.Arguments.RemoveAt(0);
            }
            else
            {
                request.Arguments.Add(ByteString.CopyFromUtf8("null"));
            }
        }

        return request;
    }

    /// <summary>A push a client might send its gateway (subscriptions), or a silo another silo (invalidations, heartbeats).</summary>
    public static Push Push(Random random, PeerRole role)
    {
        var push = new Push { Sequence = random.OneIn(3) ? (ulong)InterestingValues.NextInteger(random) : (ulong)random.Next(1, 5) };
        if (role == PeerRole.Client)
        {
            push.Stream = random.Pick(["cache.sub", "cache.sub", "cache.inv", "cache.resync", string.Empty, "nope"]);
            var subscription = new Subscription();
            subscription.Prefixes.AddRange(Enumerable.Range(0, random.Next(3)).Select(_ => random.Pick(["fuzz:", string.Empty, "*", "\0", new string('p', 3000)])));
            subscription.Track.AddRange(Enumerable.Range(0, random.SkewedLength(5)).Select(_ => random.OneIn(5) ? random.Pick(InterestingValues.Strings) : random.Pick(Keys)));
            push.Payload = subscription.ToByteString();
        }
        else
        {
            push.Stream = random.Pick(["cache.inv", "cache.inv", "$hb", string.Empty, "nope"]);
            push.Payload = InvalidationBatch(random).ToByteString();
        }

        if (random.OneIn(4))
        {
            push.Payload = ByteString.CopyFrom(ByteMutator.Mutate(random, push.Payload.Span));
        }

        return push;
    }

    /// <summary>An invalidation batch of every target kind, with odd keys and versions.</summary>
    public static InvalidationBatch InvalidationBatch(Random random)
    {
        var batch = new InvalidationBatch();
        for (var i = random.SkewedLength(4); i > 0; i--)
        {
            var item = new Invalidation();
            switch (random.Next(5))
            {
                case 0:
                    item.Pattern = random.Pick(Patterns);
                    break;
                case 1:
                    item.Tag = random.Pick(Tags);
                    break;
                case 2:
                    item.All = random.OneIn(2);
                    break;
                default:
                    item.Key = random.OneIn(4) ? random.Pick(InterestingValues.Strings) : random.Pick(Keys);
                    break;
            }

            if (!random.OneIn(4))
            {
                item.Version = new Grains.Interfaces.Protocol.Version
                {
                    Era = random.Pick(InterestingValues.Int64s),
                    Activation = random.Pick(InterestingValues.Int64s),
                    Change = random.Pick(InterestingValues.Int64s),
                };
            }

            batch.Items.Add(item);
        }

        return batch;
    }

    private static ByteString MutateArgument(Random random, ByteString value)
    {
        var bytes = value.Span;
        var mutated = bytes.Length > 0 && bytes[0] is (byte)'{' or (byte)'[' or (byte)'"'
            ? JsonMutator.Mutate(random, bytes, JsonFieldNames, maxLength: 256 * 1024)
            : ByteMutator.Mutate(random, bytes);
        return ByteString.CopyFrom(mutated);
    }

    private static object? RandomValue(Random random, Type type, bool boundedWaits)
    {
        if (type == typeof(byte[]))
        {
            return random.OneIn(8) ? null : ByteMutator.RandomBytes(random, random.OneIn(50) ? 2 * 1024 * 1024 : random.SkewedLength(256));
        }

        if (type == typeof(CacheWriteOptions))
        {
            var ttl = random.OneIn(2) ? (TimeSpan?)null : random.Pick(Durations);
            return new CacheWriteOptions(ttl, [.. Enumerable.Range(0, random.OneIn(10) ? 40 : random.Next(3)).Select(_ => random.Pick(Tags))]);
        }

        if (type == typeof(TimeSpan))
        {
            // A wait the grain is asked to do (WaitForFillAsync) must stay short when every answer is awaited.
            return boundedWaits ? TimeSpan.FromMilliseconds(random.Next(0, 500)) : random.Pick(Durations);
        }

        if (type == typeof(Guid))
        {
            return random.OneIn(3) ? Guid.Empty : new Guid(ByteMutator.RandomBytes(random, 16));
        }

        if (type == typeof(string))
        {
            return random.Next(4) switch
            {
                0 => random.Pick(Patterns),
                1 => random.Pick(Tags),
                2 => random.Pick(InterestingValues.Strings),
                _ => random.Pick(Keys),
            };
        }

        if (type == typeof(string[]))
        {
            return random.OneIn(10) ? null : Enumerable.Range(0, random.Pick([0, 1, 3, 20, 200])).Select(_ => random.OneIn(6) ? random.Pick(InterestingValues.Strings) : random.Pick(Keys)).ToArray();
        }

        throw new NotSupportedException($"No fuzz values for {type}; add them here.");
    }
}
