namespace OrleansCache.Runtime.Tests.Infrastructure;

/// <summary>Grain keys unique to one test, so parallel tests never share grains.</summary>
internal static class Keys
{
    public static string Unique(string prefix = "key") => $"{prefix}:{Guid.NewGuid():N}";
}
