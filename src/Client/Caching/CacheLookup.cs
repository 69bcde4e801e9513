namespace OrleansCache.Client;

/// <summary>The result of <see cref="IOrleansCache.TryGetAsync{T}"/>.</summary>
public readonly record struct CacheLookup<T>(bool Found, T? Value);
