using System.Diagnostics;

namespace OrleansCache.DeliveryCandidates;

// Candidate 6: the full write path. A client writes to an entry grain (as it would write a cache key), the entry grain
// calls the feed grain on the same silo, and the feed pushes to the N other clients. The stamp is taken by the writer
// as its call starts, so the latency includes client → gateway → entry → feed → N clients.

public interface IEntryGrain : IGrainWithStringKey
{
    /// <summary>Activates the feed from this grain (so prefer-local placement puts it here) and says where both live.</summary>
    Task<string> Prepare();

    Task Write(long writeStamp);
}

/// <summary>Keyed "kind|feedKey": the kind picks the feed grain type this entry writes through.</summary>
public sealed class EntryGrain : Grain, IEntryGrain
{
    private IFeedGrain _feed = null!;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var key = this.GetPrimaryKeyString();
        var separator = key.IndexOf('|', StringComparison.Ordinal);
        var (kind, feedKey) = (key[..separator], key[(separator + 1)..]);
        _feed = kind == EntryPath.Acked
            ? GrainFactory.GetGrain<IAckedFeedGrain>(feedKey)
            : GrainFactory.GetGrain<IOneWayFeedGrain>(feedKey);
        return Task.CompletedTask;
    }

    public async Task<string> Prepare()
    {
        var feedSilo = await _feed.Silo();
        var entrySilo = GrainContext.Address.SiloAddress?.ToString() ?? "unknown";
        return entrySilo == feedSilo ? "entry+feed co-located" : $"entry on {entrySilo}, feed on {feedSilo} (NOT co-located)";
    }

    public Task Write(long writeStamp) => _feed.Publish(writeStamp);
}

/// <summary>The writer's side of the write path.</summary>
internal sealed class EntryPath
{
    public const string OneWay = "oneway";
    public const string Acked = "acked";

    private readonly IEntryGrain _entry;

    private EntryPath(IEntryGrain entry, string placement)
    {
        _entry = entry;
        Placement = placement;
    }

    public string Placement { get; }

    /// <summary>Must run before any subscriber touches the feed, so that the entry grain is the feed's first caller.</summary>
    public static async Task<EntryPath> StartAsync(IClusterClient writer, string kind, string feedKey)
    {
        var entry = writer.GetGrain<IEntryGrain>(kind + "|" + feedKey);
        return new EntryPath(entry, await entry.Prepare());
    }

    public Task WriteAsync() => _entry.Write(Stopwatch.GetTimestamp());
}
