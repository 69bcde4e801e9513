using Microsoft.Extensions.Hosting;
using OrleansCache.Client;
using OrleansCache.Core;
using OrleansCache.Runtime.Tests.Grains;
using OrleansCache.Runtime.Tests.Infrastructure;
using OrleansCache.TestSupport.Logging;
using Xunit;

namespace OrleansCache.Runtime.Tests.Security;

public sealed class SecretLoggingTests
{
    [Fact]
    public async Task Secrets_NeverAppearInLogsOrErrors_EvenWhenAuthenticationFails()
    {
        var logs = new CapturedLogs();
        using var loggerFactory = logs.CreateFactory();
        var (shared, clientKey, wrongClient, wrongSilo) = (Secrets.New(), Secrets.New(), Secrets.New(), Secrets.New());
        var errors = new List<string>();
        await using (var cluster = await Clusters.StartAsync(silos: 2, o =>
        {
            o.SharedSecret = shared;
            o.LoggerFactory = loggerFactory;
            o.ConfigureSilo = s => s.ConfigureSecurity(security => security.ClientKeys["billing"] = clientKey);
        }))
        {
            var keyed = await cluster.CreateClientAsync(configure: o => o.UseSharedSecret(clientKey, "billing"), cancellationToken: TestContext.Current.CancellationToken);
            await keyed.GetGrain<ISequenceGrain>(cluster.KeyOwnedBy<ISequenceGrain>(cluster.Silos[1])).NextAsync();

            errors.Add((await Assert.ThrowsAsync<ClusterAuthenticationException>(
                () => cluster.CreateClientAsync(configure: o => o.UseSharedSecret(wrongClient), cancellationToken: TestContext.Current.CancellationToken))).ToString());
            // A key id that is really a secret (a plausible mistake) is not repeated either.
            errors.Add((await Assert.ThrowsAsync<ClusterAuthenticationException>(
                () => cluster.CreateClientAsync(configure: o => o.UseSharedSecret(wrongClient, keyId: wrongClient), cancellationToken: TestContext.Current.CancellationToken))).ToString());
            errors.Add((await Assert.ThrowsAsync<ClusterAuthenticationException>(
                () => cluster.StartAdditionalSiloAsync(s => s.UseSharedSecret(wrongSilo), TestContext.Current.CancellationToken))).ToString());
            errors.Add(cluster.Silos[0].Services.GetOptions<SiloSecurityOptions>().ToString());
        }

        var options = new ClusterClientOptions();
        options.UseSharedSecret(wrongClient);
        errors.Add(options.Security.ToString());

        var entries = logs.Entries;
        Assert.Contains(entries, e => e.Contains("authentication failed", StringComparison.Ordinal));
        foreach (var secret in new[] { shared, clientKey, wrongClient, wrongSilo })
        {
            Assert.DoesNotContain(entries, e => e.Contains(secret, StringComparison.Ordinal));
            Assert.DoesNotContain(errors, e => e.Contains(secret, StringComparison.Ordinal));
        }
    }
}
