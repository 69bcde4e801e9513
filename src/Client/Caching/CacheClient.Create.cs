using OrleansCache.Client.NearCaching;
using OrleansCache.Grains.Interfaces;

namespace OrleansCache.Client.Caching;

/// <summary>Get-or-create: one factory run per key in this client, and one across the cluster through the key's lease.</summary>
internal sealed partial class CacheClient
{
    public async Task<T> GetOrCreateAsync<T>(string key, Func<CancellationToken, Task<T>> factory, CacheEntryOptions? options = null, CancellationToken cancellationToken = default)
    {
        ValidateKey(key);
        ArgumentNullException.ThrowIfNull(factory);
        var write = ToWriteOptions(options);
        if (_near.TryGet(key, out var cached))
        {
            _metrics.Hit();
            return Materialize<T>(cached)!;
        }

        _metrics.Miss();
        var result = await GetOrCreateSharedAsync(
            key,
            async ct =>
            {
                var value = await factory(ct).ConfigureAwait(false);
                return new CreatedValue(new TypedValue(typeof(T), value), Serialize(value));
            },
            write,
            NearCachePolicy.Default,
            cancellationToken).ConfigureAwait(false);
        return result.Typed is { } typed && typed.Type == typeof(T) ? (T)typed.Value! : _serializer.Deserialize<T>(result.Bytes)!;
    }

    /// <summary>
    /// One remote get-or-create per key at a time in this client: concurrent callers share it (10 clients with 100
    /// concurrent misses each make 10 grain calls, not 1,000). The first caller's factory (and near-cache policy) is the
    /// one used.
    /// </summary>
    private async Task<CreatedValue> GetOrCreateSharedAsync(string key, Func<CancellationToken, Task<CreatedValue>> produce, CacheWriteOptions write, NearCachePolicy policy, CancellationToken cancellationToken)
    {
        var created = new Lazy<Task<CreatedValue>>(() => CreateThroughLeaseAsync(key, produce, write, policy, cancellationToken));
        var shared = _creates.GetOrAdd(key, created);
        if (ReferenceEquals(shared, created))
        {
            try
            {
                return await shared.Value.ConfigureAwait(false);
            }
            finally
            {
                _creates.TryRemove(new KeyValuePair<string, Lazy<Task<CreatedValue>>>(key, shared));
            }
        }

        try
        {
            return await shared.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not CacheFactoryException and not OperationCanceledException and not OrleansCacheException and not ArgumentException)
        {
            // This caller waited for another's factory, which threw: the documented outcome for waiters.
            throw new CacheFactoryException($"The value factory for '{key}' failed in the caller that filled it: {ex.GetType().Name}: {ex.Message}", ex);
        }
    }

    private async Task<CreatedValue> CreateThroughLeaseAsync(string key, Func<CancellationToken, Task<CreatedValue>> produce, CacheWriteOptions write, NearCachePolicy policy, CancellationToken cancellationToken)
    {
        var grain = Entry(key);
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var ticket = BeginFill(key, policy);
            try
            {
                var tracker = await TrackerAsync(ticket, cancellationToken).ConfigureAwait(false);
                var lease = await IdempotentAsync(() => grain.GetOrLeaseAsync(_options.LeaseTimeout, tracker), cancellationToken, retryTimeouts: true).ConfigureAwait(false);
                switch (lease.Outcome)
                {
                    case LeaseOutcome.Hit:
                        CompleteFill(ticket, lease.Entry!);
                        return new CreatedValue(null, lease.Entry!.Value!);
                    case LeaseOutcome.Granted:
                        return await FillAsync(grain, ticket, tracker, lease.LeaseId, produce, write, cancellationToken).ConfigureAwait(false);
                    default:
                        _metrics.LeaseWait();
                        var wait = lease.Remaining < MaxFillWait ? lease.Remaining : MaxFillWait;
                        var fill = await IdempotentAsync(() => grain.WaitForFillAsync(lease.LeaseId, wait, tracker), cancellationToken, retryTimeouts: true).ConfigureAwait(false);
                        if (fill.Outcome == FillOutcome.Filled)
                        {
                            CompleteFill(ticket, fill.Entry!);
                            return new CreatedValue(null, fill.Entry!.Value!);
                        }

                        _near.AbandonFill(ticket);
                        if (fill.Outcome == FillOutcome.Failed)
                        {
                            throw new CacheFactoryException($"The value factory for '{key}' failed in the caller that filled it: {fill.Error}");
                        }

                        // Voided, expired or superseded: ask again; one of the callers gets the next lease.
                        continue;
                }
            }
            catch
            {
                _near.AbandonFill(ticket);
                throw;
            }
        }
    }

    private async Task<CreatedValue> FillAsync(ICacheEntryGrain grain, FillTicket ticket, Guid tracker, Guid leaseId, Func<CancellationToken, Task<CreatedValue>> produce, CacheWriteOptions write, CancellationToken cancellationToken)
    {
        _metrics.FactoryRun();
        CreatedValue created;
        try
        {
            created = await produce(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // Release the lease so waiters learn of the failure now, not when it expires.
            try
            {
                await grain.FailLeaseAsync(leaseId, $"{ex.GetType().Name}: {ex.Message}").ConfigureAwait(false);
            }
            catch (Exception releaseFailure)
            {
                LogLeaseReleaseFailed(_logger, ticket.Key, releaseFailure.Message);
            }

            throw;
        }

        var stored = await IdempotentAsync(() => grain.CompleteLeaseAsync(leaseId, created.Bytes, write, tracker), cancellationToken).ConfigureAwait(false);
        if (stored is null)
        {
            // The key was invalidated while the factory ran: the value is the caller's, not the cache's.
            _near.AbandonFill(ticket);
        }
        else
        {
            CompleteFill(ticket, stored, created.Typed);
        }

        return created;
    }

    /// <summary>
    /// What a shared get-or-create produced: its bytes, and the value itself if this client's factory made it (callers
    /// asking for its type share it; the others deserialize the bytes).
    /// </summary>
    private sealed record CreatedValue(TypedValue? Typed, byte[] Bytes);
}
