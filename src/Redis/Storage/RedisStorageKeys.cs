using StackExchange.Redis;

namespace OrleansCache.Redis.Storage;

/// <summary>The names of storage's Redis keys under the cluster's key prefix (see <see cref="RedisStorageScripts"/>).</summary>
internal sealed class RedisStorageKeys(string prefix)
{
    public string EntryPrefix { get; } = prefix + "entry:";

    public string TagPrefix { get; } = prefix + "tag:";

    public RedisKey Sequence { get; } = prefix + "seq";

    public RedisKey Entry(string key) => EntryPrefix + key;

    public RedisKey Fence(string key) => prefix + "fence:" + key;

    public RedisKey Tag(string tag) => TagPrefix + tag;
}
