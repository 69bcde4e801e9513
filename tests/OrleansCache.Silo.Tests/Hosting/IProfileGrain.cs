namespace OrleansCache.Silo.Tests.Hosting;

/// <summary>An application's own grain that keeps a user's display name in the cache.</summary>
[Alias("test.IProfileGrain")]
public interface IProfileGrain : IGrainWithStringKey
{
    [Alias("GetName")]
    Task<string?> GetNameAsync();

    [Alias("Rename")]
    Task RenameAsync(string name);
}
