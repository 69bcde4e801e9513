using System.Globalization;
using OrleansCache.Client;
using OrleansCache.Silo.Tests.Infrastructure;
using OrleansCache.TestSupport.Network;
using OrleansCache.TestSupport.Processes;
using OrleansCache.TestSupport.Redis;
using OrleansCache.TestSupport.Security;
using StackExchange.Redis;
using Xunit;

namespace OrleansCache.Silo.Tests.Security;

/// <summary>
/// The silo executable and a Redis that asks for more than an address: TLS with a certificate from a private authority
/// (a real TLS redis-server with generated certificates), and an ACL user. Right settings work; wrong ones stop the silo
/// with one line that names what to check, and no secret in any line it wrote.
/// </summary>
public sealed class SiloRedisSecurityTests : IDisposable
{
    private const string User = "orleanscache-tls";
    private const string WrongPassword = "wrong-password-must-never-be-logged";

    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("orleanscache-redis-tls-");

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Silo_OverTlsToATlsRedis_TrustingItsAuthority_JoinsAndKeepsEntriesThere()
    {
        var (redis, authority) = await StartTlsRedisAsync();
        await using var _ = redis;
        var clusterId = $"tls-{Guid.NewGuid():N}";

        await using var silo = await SiloProcess.StartAsync([.. Ports(), "--cluster-id", clusterId, "--redis", $"127.0.0.1:{Text(redis.TlsPort)},ssl=true", $"--Redis:TrustedCertificatePath={authority}"]);
        var client = await Clients.StartAsync(silo.Gateway, clusterId);
        try
        {
            await client.Cache().SetAsync("tls:1", "over TLS", cancellationToken: Token);
            Assert.Equal("over TLS", await client.Cache().GetAsync<string>("tls:1", Token));
        }
        finally
        {
            await client.StopQuietlyAsync();
        }

        // The membership table and the entry are in Redis, reached only through its TLS port.
        await using var plain = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        var keys = plain.GetServer(redis.ConnectionString).Keys(pattern: "*").Select(k => k.ToString()).ToList();
        Assert.Contains(keys, k => k.Contains(clusterId, StringComparison.Ordinal));
        Assert.Contains(keys, k => k.Contains("tls:1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Silo_WithoutTlsAgainstATlsRedis_StopsWithOneLine()
    {
        var (redis, _) = await StartTlsRedisAsync();
        await using var __ = redis;

        await using var silo = SiloProcess.Launch([.. Ports(), "--redis", $"127.0.0.1:{Text(redis.TlsPort)}"]);
        await silo.WaitForExitAsync();

        // Orleans logs the failed start with its exception; the silo's own last word is one line saying what to check.
        Assert.Equal(1, silo.ExitCode);
        var error = Assert.Single(silo.Output, l => l.StartsWith("error:", StringComparison.Ordinal));
        Assert.StartsWith("error: Redis:ConnectionString (--redis): Redis cannot be reached", error, StringComparison.Ordinal);
        Assert.Equal(error, silo.Output[^1]);
    }

    [Fact]
    public async Task Silo_WithTheWrongAclPassword_StopsWithOneLine_AndNoLineHoldsThePassword()
    {
        await using var redis = await RedisServerProcess.StartAsync();
        await using (var admin = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString))
        {
            // The user, and no way in without it (the default user off), as a locked-down Redis has it.
            await admin.GetDatabase().ExecuteAsync("ACL", "SETUSER", User, "on", ">the-right-password", "~*", "&*", "+@all");
            await admin.GetDatabase().ExecuteAsync("ACL", "SETUSER", "default", "off");
        }

        var environment = new Dictionary<string, string> { ["ORLEANSCACHE_Redis__Password"] = WrongPassword };
        await using var silo = SiloProcess.Launch(environment, [.. Ports(), "--redis", redis.ConnectionString, "--redis-user", User]);
        await silo.WaitForExitAsync();
        TestContext.Current.TestOutputHelper?.WriteLine(string.Join('\n', silo.Output));

        Assert.Equal(1, silo.ExitCode);
        var error = Assert.Single(silo.Output, l => l.StartsWith("error:", StringComparison.Ordinal));
        Assert.Equal("error: Redis:ConnectionString (--redis): Redis cannot be reached (AuthenticationFailure); check the address, Redis:User and Redis:Password.", error);
        Assert.Equal(error, silo.Output[^1]);
        Assert.DoesNotContain(silo.Output, l => l.Contains(WrongPassword, StringComparison.Ordinal));
    }

    public void Dispose() => _folder.Delete(recursive: true);

    private static string[] Ports() => ["--silo-port", Text(FreePorts.Take()), "--gateway-port", Text(FreePorts.Take())];

    private static string Text(int port) => port.ToString(CultureInfo.InvariantCulture);

    /// <summary>A redis-server with a TLS port whose certificate a new private authority issued; returns the authority's PEM file too.</summary>
    private async Task<(RedisServerProcess Redis, string Authority)> StartTlsRedisAsync()
    {
        using var authority = TestCertificates.CreateAuthority("redis CA");
        using var certificate = TestCertificates.Issue(authority, "redis");
        var (certificatePath, keyPath) = TestCertificates.WritePemPair(certificate, _folder.FullName);
        var redis = await RedisServerProcess.StartWithTlsAsync(certificatePath, keyPath);
        return (redis, TestCertificates.WritePem(authority, _folder.FullName));
    }
}
