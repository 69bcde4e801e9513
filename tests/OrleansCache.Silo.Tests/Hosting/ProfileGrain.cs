using OrleansCache.Client;

namespace OrleansCache.Silo.Tests.Hosting;

/// <summary>Reads and writes through <see cref="IOrleansCache"/>, injected as any service: the silo's own cache client.</summary>
public sealed class ProfileGrain(IOrleansCache cache) : Grain, IProfileGrain
{
    public static string KeyOf(string user) => $"profile:{user}";

    public async Task<string?> GetNameAsync() => await cache.GetAsync<string>(KeyOf(this.GetPrimaryKeyString()));

    public Task RenameAsync(string name) => cache.SetAsync(KeyOf(this.GetPrimaryKeyString()), name);
}
