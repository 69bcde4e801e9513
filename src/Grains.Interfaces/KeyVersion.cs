namespace OrleansCache.Grains.Interfaces;

/// <summary>A key and a version of it, for batch version checks.</summary>
public sealed record KeyVersion(string Key, CacheVersion Version);
