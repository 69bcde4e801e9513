using OrleansCache.Grains.Interfaces;
using OrleansCache.TestSupport.Fuzzing;

namespace OrleansCache.Fuzz.Tests.Client;

/// <summary>
/// Invalidation deliveries a feed would never send, aimed at a client whose state with each partition is known: null
/// deliveries and fields, partitions out of range, epochs and numbers of zero, negative or extreme value, items of
/// undefined kinds or with missing or oversized targets, huge batches, closings with odd reasons, and deliveries for
/// subscriptions the client does not hold.
/// </summary>
/// <remarks>
/// Every delivery for the client's current subscription is malformed in at least one way, or says only that the feed
/// sent more than the client has seen. A well-formed batch carrying exactly the next number cannot be told from the
/// feed's own and is not generated: it would take that number from the real batch (docs/fuzzing.md, limits).
/// </remarks>
internal static class DeliveryGenerator
{
    private const int MaxKeyLength = 1024;

    /// <summary>One delivery and a label of what is wrong with it.</summary>
    public static (InvalidationDelivery? Delivery, string Label) Next(Random random, int partition, Guid subscription, long epoch, long nextSequence)
    {
        var label = random.Next(12) switch
        {
            0 => "null",
            1 => "partition",
            2 => "subscription",
            3 => "epoch",
            4 => "sequence",
            5 => "null_items",
            6 or 7 => "bad_item",
            8 => "huge_batch",
            9 => "closing",
            10 => "ahead",
            _ => "many",
        };
        if (label == "null")
        {
            return (null, label);
        }

        var sequence = random.OneIn(2) ? nextSequence : random.Next(0, 3);
        var items = ValidItems(random, random.Next(1, 4));
        var delivery = new InvalidationDelivery(partition, subscription, epoch, sequence, items, Stamp(random), Closing: false);
        delivery = label switch
        {
            "partition" => delivery with { Partition = random.Pick([-1, CachePartitions.Count, int.MaxValue, int.MinValue, CachePartitions.Count + random.Next(1000)]) },
            "subscription" => delivery with { Subscription = random.OneIn(2) ? Guid.Empty : Guid.NewGuid() },
            "epoch" => delivery with { Epoch = random.Pick([0L, -1L, long.MinValue, -epoch]) },
            "sequence" => delivery with { Sequence = random.Pick([-1L, long.MinValue, 0L, -nextSequence]), Items = random.OneIn(3) ? [] : items },
            "null_items" => delivery with { Items = null! },
            "bad_item" => delivery with { Items = [.. items, BadItem(random)] },
            // Huge, and with one bad item somewhere in it (a huge well-formed batch is just a batch).
            "huge_batch" => delivery with { Items = Insert(random, ValidItems(random, random.Next(5_000, 20_000)), BadItem(random)) },
            "closing" => delivery with { Closing = true, Items = random.OneIn(2) ? [] : items, CloseReason = random.Pick<string?>([null, "", "tracking_limit", "overflow", new string('r', 100_000), "\u0000\n"]) },
            // A well-formed heartbeat claiming the feed sent further than the client has seen: a gap to detect after
            // the reorder window. (A batch of a future number would be indistinguishable from the real one.)
            "ahead" => delivery with { Sequence = nextSequence + random.Pick([1L, 2L, 4097L, long.MaxValue - nextSequence]), Items = [] },
            _ => Many(random, delivery, epoch, nextSequence),
        };
        return (delivery, label);
    }

    /// <summary>Several faults at once.</summary>
    private static InvalidationDelivery Many(Random random, InvalidationDelivery delivery, long epoch, long nextSequence) => delivery with
    {
        Epoch = random.OneIn(2) ? 0 : epoch,
        Sequence = random.OneIn(2) ? -nextSequence : nextSequence,
        Items = [BadItem(random), .. random.OneIn(2) ? [BadItem(random)] : Array.Empty<Invalidation>()],
        Closing = random.OneIn(3),
        PublishedAtUnixMicroseconds = random.Pick([long.MinValue, long.MaxValue, -1L, 0L]),
    };

    private static Invalidation[] Insert(Random random, Invalidation[] items, Invalidation bad)
    {
        items[random.Next(items.Length)] = bad;
        return items;
    }

    private static Invalidation[] ValidItems(Random random, int count)
    {
        var items = new Invalidation[count];
        for (var i = 0; i < items.Length; i++)
        {
            items[i] = random.Next(10) switch
            {
                0 => Invalidation.ForPattern("nothing-held:" + random.Next(100) + "*"),
                1 => Invalidation.ForTag("tag" + random.Next(100)),
                // Keys nobody holds, at any version: applying them is harmless, and must stay so.
                _ => Invalidation.ForKey("unheld:" + random.Next(1_000_000), new CacheVersion(random.NextInt64(), random.NextInt64(), random.NextInt64())),
            };
        }

        return items;
    }

    private static Invalidation BadItem(Random random) => random.Next(6) switch
    {
        0 => new Invalidation((InvalidationKind)random.Pick([0, 5, 200, 255]), "held:x", CacheVersion.Max),
        1 => new Invalidation(InvalidationKind.Key, null, CacheVersion.Max),
        2 => new Invalidation(InvalidationKind.Key, string.Empty, CacheVersion.None),
        3 => new Invalidation(random.OneIn(2) ? InvalidationKind.Pattern : InvalidationKind.Tag, random.OneIn(2) ? null : string.Empty, CacheVersion.None, random.NextInt64()),
        4 => new Invalidation(InvalidationKind.Key, new string('k', MaxKeyLength + 1 + random.Next(100_000)), CacheVersion.Max),
        _ => new Invalidation(InvalidationKind.Pattern, new string('*', MaxKeyLength + 1), CacheVersion.None, random.NextInt64()),
    };

    private static long Stamp(Random random) => random.Next(4) switch
    {
        0 => long.MinValue,
        1 => long.MaxValue,
        2 => -random.NextInt64(),
        _ => (DateTimeOffset.UtcNow.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / TimeSpan.TicksPerMicrosecond,
    };
}
