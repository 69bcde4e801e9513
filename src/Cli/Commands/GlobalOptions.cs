using System.CommandLine;
using OrleansCache.Cli.Connection;
using OrleansCache.Cli.Parsing;

namespace OrleansCache.Cli.Commands;

/// <summary>The options every command takes: how to find and reach the cluster, how long to wait, and how to print.</summary>
/// <param name="environment">Reads an environment variable (the passwords); tests pass their own instead of changing the process's.</param>
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
        Description = "Find the gateways in the cluster's Redis membership table (Orleans' Redis clustering): a StackExchange.Redis connection string, e.g. redis.internal:6379,ssl=true. "
            + $"Put the password in {RedisSettings.PasswordVariable}, not here: other users of the machine can read command lines (ps).",
        HelpName = "connection",
        Recursive = true,
    };

    private readonly Option<string?> _redisUser = new("--redis-user")
    {
        Description = $"The Redis ACL user; its password comes from {RedisSettings.PasswordVariable}.",
        HelpName = "user",
        Recursive = true,
    };

    private readonly Option<string> _clusterId = new("--cluster-id")
    {
        Description = $"The cluster to join (the silos' ClusterId; the silo host's default is {ConnectionSettings.DefaultClusterId}).",
        HelpName = "id",
        DefaultValueFactory = _ => ConnectionSettings.DefaultClusterId,
        Recursive = true,
    };

    private readonly Option<string> _serviceId = new("--service-id")
    {
        Description = $"The service the cluster runs (the silos' ServiceId; the silo host's default is {ConnectionSettings.DefaultServiceId}).",
        HelpName = "id",
        DefaultValueFactory = _ => ConnectionSettings.DefaultServiceId,
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

    private readonly Option<bool> _tls = new("--tls")
    {
        Description = "Connect over TLS, as silos configured with a certificate require.",
        Recursive = true,
    };

    private readonly Option<string?> _tlsCertificate = new("--tls-certificate")
    {
        Description = "The tool's own certificate with its private key, for silos that require mutual TLS: a PKCS#12 file "
            + $"(password in {TlsSettings.CertificatePasswordVariable}) or a PEM file. Implies --tls.",
        HelpName = "path",
        Recursive = true,
    };

    private readonly Option<string?> _tlsKey = new("--tls-key")
    {
        Description = "The PEM private key of --tls-certificate, if it is not in the certificate's file.",
        HelpName = "path",
        Recursive = true,
    };

    private readonly Option<string?> _tlsTrusted = new("--tls-trusted")
    {
        Description = "A PEM or DER certificate file to trust besides the system's roots: the cluster's CA, or the silos' own certificate. Implies --tls.",
        HelpName = "path",
        Recursive = true,
    };

    private readonly Option<string?> _tlsHost = new("--tls-host")
    {
        Description = "The name the silos' certificate must carry. Default: each gateway's host as given to --gateway (its address when found through --redis). Implies --tls.",
        HelpName = "name",
        Recursive = true,
    };

    public void AddTo(Command root)
    {
        root.Add(_gateway);
        root.Add(_redis);
        root.Add(_redisUser);
        root.Add(_clusterId);
        root.Add(_serviceId);
        root.Add(_timeout);
        root.Add(_json);
        root.Add(_progress);
        root.Add(_tls);
        root.Add(_tlsCertificate);
        root.Add(_tlsKey);
        root.Add(_tlsTrusted);
        root.Add(_tlsHost);
    }

    public ConnectionSettings Read(ParseResult parse)
    {
        var redis = parse.GetValue(_redis);
        var redisUser = parse.GetValue(_redisUser);
        if (redisUser is not null && redis is null)
        {
            throw new CliUsageException("--redis-user needs --redis.");
        }

        return new ConnectionSettings(
            Gateways: parse.GetValue(_gateway) ?? [],
            Redis: redis is null ? null : new RedisSettings(redis, redisUser, NullIfEmpty(environment(RedisSettings.PasswordVariable))),
            ClusterId: parse.GetValue(_clusterId) ?? ConnectionSettings.DefaultClusterId,
            ServiceId: parse.GetValue(_serviceId) ?? ConnectionSettings.DefaultServiceId,
            Timeout: parse.GetValue(_timeout),
            Json: parse.GetValue(_json),
            Progress: parse.GetValue(_progress),
            Tls: new TlsSettings(
                Enabled: parse.GetValue(_tls),
                CertificatePath: parse.GetValue(_tlsCertificate),
                KeyPath: parse.GetValue(_tlsKey),
                CertificatePassword: NullIfEmpty(environment(TlsSettings.CertificatePasswordVariable)),
                TrustedPath: parse.GetValue(_tlsTrusted),
                Host: parse.GetValue(_tlsHost)));
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
