using System.Text;

namespace OrleansCache.Silo.Hosting;

/// <summary>The executable's command line: short switches for the settings operators change most, and its help.</summary>
internal static class SiloCommandLine
{
    /// <summary>
    /// Maps <c>--silo-port 11112</c> style switches to configuration keys. Any key also works in its long form, e.g.
    /// <c>--Cache:MaxValueBytes=1048576</c>.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> SwitchMappings = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["--cluster-id"] = "Silo:ClusterId",
        ["--service-id"] = "Silo:ServiceId",
        ["--name"] = "Silo:SiloName",
        ["--listen"] = "Silo:ListenAddress",
        ["--advertised-host"] = "Silo:AdvertisedHost",
        ["--silo-port"] = "Silo:SiloPort",
        ["--gateway-port"] = "Silo:GatewayPort",
        ["--primary"] = "Silo:PrimarySilo",
        ["--redis"] = "Redis:ConnectionString",
        ["--redis-user"] = "Redis:User",
        ["--redis-bridge"] = "RedisBridge:Enabled",
        ["--http"] = "Http:Enabled",
        ["--http-listen"] = "Http:ListenAddress",
        ["--http-port"] = "Http:Port",
        ["--dashboard"] = "Http:Dashboard",
        ["--orleans-dashboard"] = "Http:OrleansDashboard",
        ["--tls-certificate"] = "Tls:CertificatePath",
        ["--tls-certificate-key"] = "Tls:CertificateKeyPath",

        // Command lines are visible to other users of the machine (ps): prefer ORLEANSCACHE_Tls__CertificatePassword.
        ["--tls-certificate-password"] = "Tls:CertificatePassword",
        ["--tls-client-certificates"] = "Tls:ClientCertificates",
        ["--tls-trusted"] = "Tls:TrustedCertificatePath",
    };

    /// <summary>The switch of a configuration key, for messages: <c>Silo:SiloPort (--silo-port)</c>, or the key alone.</summary>
    public static string Describe(string key)
    {
        foreach (var (name, mapped) in SwitchMappings)
        {
            if (string.Equals(mapped, key, StringComparison.OrdinalIgnoreCase))
            {
                return $"{key} ({name})";
            }
        }

        return key;
    }

    /// <summary>True when the arguments ask for help.</summary>
    public static bool WantsHelp(IReadOnlyList<string> args) =>
        args.Any(a => a is "--help" or "-h" or "-?" or "/?");

    /// <summary>
    /// The first argument that is neither a known switch nor a configuration key (<c>--Section:Name</c>), with why; null
    /// when all are fine. A mistyped switch would otherwise be ignored without a word.
    /// </summary>
    public static string? FindUnknownArgument(IReadOnlyList<string> args)
    {
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            var name = arg.Split('=', 2)[0];
            if (SwitchMappings.ContainsKey(name))
            {
                if (!arg.Contains('=', StringComparison.Ordinal))
                {
                    if (i + 1 >= args.Count)
                    {
                        return $"{name} needs a value (see --help).";
                    }

                    i++;
                }

                continue;
            }

            if (name.StartsWith("--", StringComparison.Ordinal) && name.Contains(':', StringComparison.Ordinal))
            {
                // A configuration key: --Section:Name=value or --Section:Name value.
                if (!arg.Contains('=', StringComparison.Ordinal))
                {
                    i++;
                }

                continue;
            }

            return $"Unknown argument '{arg}' (see --help).";
        }

        return null;
    }

    /// <summary>The text <c>--help</c> prints.</summary>
    public static string Help()
    {
        var text = new StringBuilder();
        text.AppendLine("OrleansCache silo: hosts the coherent cache in an Orleans cluster.");
        text.AppendLine();
        text.AppendLine("Usage: OrleansCache.Silo [switches] [--Section:Key=value ...]");
        text.AppendLine();
        text.AppendLine("With no switches it runs one silo on this machine: localhost clustering, in-memory storage,");
        text.AppendLine("silo port 11111, gateway port 30000 (clients: AddOrleansCacheClient, gateway localhost:30000).");
        text.AppendLine();
        text.AppendLine("Switches (each sets the configuration key shown):");
        foreach (var (name, key) in SwitchMappings)
        {
            text.Append("  ").Append(name.PadRight(28)).AppendLine(key);
        }

        text.AppendLine();
        text.AppendLine("Several silos on one machine need ports of their own. Without Redis the first silo keeps the");
        text.AppendLine("membership; start the others with --primary pointing at its silo port:");
        text.AppendLine("  OrleansCache.Silo");
        text.AppendLine("  OrleansCache.Silo --silo-port 11112 --gateway-port 30001 --primary 127.0.0.1:11111");
        text.AppendLine("With Redis every silo finds the others there (no --primary):");
        text.AppendLine("  OrleansCache.Silo --redis localhost:6379 --silo-port 11112 --gateway-port 30001");
        text.AppendLine("With --redis, non-.NET services invalidate through Redis (--redis-bridge false switches that off):");
        text.AppendLine("channels (default cache:invalidate), typed channels, keyspace notifications and a stream, set as");
        text.AppendLine("RedisBridge:* keys (docs/wire-format.md).");
        text.AppendLine();
        text.AppendLine("Settings are also read from appsettings.json beside the executable and from environment");
        text.AppendLine("variables: ORLEANSCACHE_Silo__GatewayPort=30001 sets Silo:GatewayPort. Put secrets there, not on");
        text.AppendLine("the command line: ORLEANSCACHE_Redis__Password, ORLEANSCACHE_Tls__CertificatePassword,");
        text.AppendLine("ORLEANSCACHE_Http__Token. All settings: docs/configuration.md.");
        text.AppendLine();
        text.AppendLine("Exit codes: 0 stopped normally (Ctrl+C, SIGTERM), 1 failed, 2 a setting cannot work.");
        return text.ToString();
    }
}
