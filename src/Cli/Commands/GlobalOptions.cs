using System.CommandLine;
using OrleansCache.Cli.Connection;
using OrleansCache.Cli.Parsing;

namespace OrleansCache.Cli.Commands;

/// <summary>The options every command takes: how to reach the cluster and prove the tool may, how long to wait, and how to print.</summary>
/// <param name="environment">Reads an environment variable (the secret's fallback); tests pass their own instead of changing the process's.</param>
internal sealed class GlobalOptions(Func<string, string?> environment)
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

    // No default value: help would print it. The environment is read in Read, never shown.
    private readonly Option<string?> _sharedSecret = new("--shared-secret")
    {
        Description = $"The cluster's shared secret, or this client's key with --key-id. Prefer the environment variable {SecuritySettings.SharedSecretVariable}, read when this is absent: other users of the machine can read command lines (ps).",
        HelpName = "secret",
        Recursive = true,
    };

    private readonly Option<string?> _keyId = new("--key-id")
    {
        Description = "The id of this client's own key (the silos' Security:ClientKeys); the secret is then that key.",
        HelpName = "id",
        Recursive = true,
    };

    private readonly Option<bool> _tls = new("--tls")
    {
        Description = "Connect over TLS, as silos with a certificate (Security:Tls) require.",
        Recursive = true,
    };

    private readonly Option<string?> _tlsTrusted = new("--tls-trusted")
    {
        Description = "A PEM or DER certificate file to trust besides the system's roots: the cluster's CA or its self-signed certificate. Implies --tls.",
        HelpName = "path",
        Recursive = true,
    };

    private readonly Option<string?> _tlsHost = new("--tls-host")
    {
        Description = "The name the silos' certificate must carry. Default: each gateway's host. Implies --tls.",
        HelpName = "name",
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
        root.Add(_sharedSecret);
        root.Add(_keyId);
        root.Add(_tls);
        root.Add(_tlsTrusted);
        root.Add(_tlsHost);
    }

    public ConnectionSettings Read(ParseResult parse) => new(
        Gateways: parse.GetValue(_gateway) ?? [],
        Redis: parse.GetValue(_redis),
        RedisPrefix: parse.GetValue(_redisPrefix),
        ClusterId: parse.GetValue(_clusterId) ?? "dev",
        Timeout: parse.GetValue(_timeout),
        Json: parse.GetValue(_json),
        Progress: parse.GetValue(_progress),
        Security: new SecuritySettings(
            SharedSecret: NullIfEmpty(parse.GetValue(_sharedSecret)) ?? NullIfEmpty(environment(SecuritySettings.SharedSecretVariable)),
            KeyId: parse.GetValue(_keyId),
            Tls: parse.GetValue(_tls),
            TlsTrusted: parse.GetValue(_tlsTrusted),
            TlsHost: parse.GetValue(_tlsHost)));

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
