using System.Diagnostics;
using OrleansCache.Client.Diagnostics;
using OrleansCache.Client.NearCaching;
using OrleansCache.Grains.Interfaces;

namespace OrleansCache.Client.Caching;

/// <summary>Remote reads: one per key at a time in this client, filling the near-cache unless an invalidation overtook them.</summary>
internal sealed partial class CacheClient
{
    /// <summary>
    /// One remote read per key at a time in this client; concurrent readers share it, unless the key changed (as far as
    /// this client knows) since it began: its result may then be older than what this reader already saw, so the reader
    /// starts a new one (monotonic reads, read-your-writes).
    /// </summary>
    private Task<CacheEntry> ReadRemoteAsync(string key, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (_reads.TryGetValue(key, out var current))
            {
                if (current.Ticket is not { } ticket || !_near.IsOvertaken(ticket))
                {
                    return current.Result.WaitAsync(cancellationToken);
                }

                var replacement = new RemoteRead(this, key);
                if (_reads.TryUpdate(key, replacement, current))
                {
                    return replacement.Result.WaitAsync(cancellationToken);
                }
            }
            else
            {
                var read = new RemoteRead(this, key);
                if (_reads.TryAdd(key, read))
                {
                    return read.Result.WaitAsync(cancellationToken);
                }
            }
        }
    }

    private async Task<CacheEntry> ReadAndFillAsync(RemoteRead read)
    {
        var key = read.Key;
        using var activity = OrleansCacheTelemetry.Source.StartActivity("OrleansCache get", ActivityKind.Client);
        var ticket = _near.BeginFill(key);
        read.Ticket = ticket;
        try
        {
            var tracker = await TrackerAsync(ticket, CancellationToken.None).ConfigureAwait(false);
            var entry = await IdempotentAsync(() => Entry(key).GetAsync(tracker), CancellationToken.None, retryTimeouts: true).ConfigureAwait(false);
            if (AfterRemoteRead is { } hook)
            {
                await hook(key).ConfigureAwait(false);
            }

            CompleteFill(ticket, entry);
            return entry;
        }
        catch
        {
            _near.AbandonFill(ticket);
            throw;
        }
        finally
        {
            _reads.TryRemove(new KeyValuePair<string, RemoteRead>(key, read));
        }
    }

    /// <summary>
    /// The subscription this fill registers with the key's grain; if the key's partition is not live, none, and the
    /// ticket is voided so the result is not cached. Asked after the ticket began, so a resynchronization that starts in
    /// between voids the ticket instead.
    /// </summary>
    private async ValueTask<Guid> TrackerAsync(FillTicket ticket, CancellationToken cancellationToken)
    {
        var tracker = await _feeds.TrackerForAsync(ticket.Partition, cancellationToken).ConfigureAwait(false);
        if (tracker == Guid.Empty)
        {
            _near.VoidFill(ticket);
        }

        return tracker;
    }

    /// <summary>A remote read of one key that concurrent readers share; it starts when its result is first asked for.</summary>
    private sealed class RemoteRead
    {
        private readonly Lazy<Task<CacheEntry>> _result;

        public RemoteRead(CacheClient owner, string key)
        {
            Key = key;
            _result = new Lazy<Task<CacheEntry>>(() => owner.ReadAndFillAsync(this));
        }

        public string Key { get; }

        /// <summary>Its fill ticket, once it began (set before its first await).</summary>
        public FillTicket? Ticket { get; set; }

        public Task<CacheEntry> Result => _result.Value;
    }
}
