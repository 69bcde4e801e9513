using System.CommandLine;
using OrleansCache.Cli.Connection;
using OrleansCache.Cli.Parsing;

namespace OrleansCache.Cli.Commands;

/// <summary>The options every command takes: how to reach the cluster, how long to wait, and how to print.</summary>
internal sealed class GlobalOptions
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    private readonly Option<string[]> _gateway = new("--gateway", "-g")
    {
        Description = $"A gateway silo, host:port; repeat for more. Default {ConnectionSettings.DefaultGateway} unless --redis is given.",
        HelpName = "host:port",
        Recursive = true,
    };

    private readonly Option<string?> _redis = new("--redis")
    {
        Description = "Find the gateways in the cluster's Redis membership table (StackExchange.Redis connection string, e.g. redis:6379,password=...).",
        HelpName = "connection",
        Recursive = true,
    };

    private readonly Option<string?> _redisPrefix = new("--redis-prefix")
    {
        Description = "The silos' Redis key prefix, if they set one. Default orleanscache:{cluster-id}:.",
        HelpName = "prefix",
        Recursive = true,
    };

    private readonly Option<string> _clusterId = new("--cluster-id")
    {
        Description = "The cluster to join; gateways of another cluster refuse the tool.",
        DefaultValueFactory = _ => "dev",
        Recursive = true,
    };

    private readonly Option<TimeSpan> _timeout = new("--timeout")
    {
        Description = "How long connecting, and each call, may take (e.g. 500ms, 10s, 2m).",
        HelpName = "duration",
        DefaultValueFactory = _ => DefaultTimeout,
        CustomParser = DurationParser.Parse,
        Recursive = true,
    };

    private readonly Option<bool> _json = new("--json")
    {
        Description = "Print JSON instead of text (watch: one JSON object per line).",
        Recursive = true,
    };

    private readonly Option<bool> _progress = new("--progress")
    {
        Description = "Show progress of long operations on stderr even when it is not a terminal.",
        Recursive = true,
    };

    public void AddTo(Command root)
    {
        root.Add(_gateway);
        root.Add(_redis);
        root.Add(_redisPrefix);
        root.Add(_clusterId);
        root.Add(_timeout);
        root.Add(_json);
        root.Add(_progress);
    }

    public ConnectionSettings Read(ParseResult parse) => new(
        Gateways: parse.GetValue(_gateway) ?? [],
        Redis: parse.GetValue(_redis),
        RedisPrefix: parse.GetValue(_redisPrefix),
        ClusterId: parse.GetValue(_clusterId) ?? "dev",
        Timeout: parse.GetValue(_timeout),
        Json: parse.GetValue(_json),
        Progress: parse.GetValue(_progress));
}
