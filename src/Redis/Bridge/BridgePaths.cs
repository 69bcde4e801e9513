namespace OrleansCache.Redis.Bridge;

/// <summary>The inbound paths, as they appear in metric tags and logs (stable names).</summary>
internal static class BridgePaths
{
    public const string Canonical = "canonical";
    public const string Typed = "typed";
    public const string Keyspace = "keyspace";
    public const string Stream = "stream";
}
