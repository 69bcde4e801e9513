using OrleansCache.TestSupport.Waiting;

namespace OrleansCache.Redis.Tests.Processes;

/// <summary>Puts keys into clients' near-caches, so a test can watch them drop their copies.</summary>
internal static class Holding
{
    /// <summary>
    /// Gives each key the value <c>value of {key}</c> through the first client and waits until every client serves a
    /// copy from its near-cache (a read before the client's feed subscription is live is not cached).
    /// </summary>
    public static async Task HoldAsync(IReadOnlyList<CacheClientHost> clients, CancellationToken cancellationToken, params string[] keys)
    {
        foreach (var key in keys)
        {
            await clients[0].Cache.SetAsync(key, ValueOf(key), cancellationToken: cancellationToken);
        }

        foreach (var client in clients)
        {
            foreach (var key in keys)
            {
                string? read = null;
                try
                {
                    await Eventually.TrueAsync(
                        async () =>
                        {
                            read = await client.Cache.GetAsync<string>(key, cancellationToken);
                            if (read is null)
                            {
                                // A bridge message of the test before (a keyspace event that more than one silo applied,
                                // the later one after the set above) may remove the value again: set it once more.
                                await clients[0].Cache.SetAsync(key, ValueOf(key), cancellationToken: cancellationToken);
                                return false;
                            }

                            return read == ValueOf(key) && client.Serves(key);
                        },
                        $"a client to hold {key}",
                        SiloProcessCluster.Timeout,
                        cancellationToken);
                }
                catch (TimeoutException ex)
                {
                    throw new TimeoutException($"{ex.Message} It read '{read}'; its log ends:{Environment.NewLine}{client.RecentLog()}", ex);
                }
            }
        }
    }

    /// <summary>The value <see cref="HoldAsync"/> gives <paramref name="key"/>.</summary>
    public static string ValueOf(string key) => $"value of {key}";
}
