using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OrleansCache.Redis.Bridge;
using OrleansCache.Redis.Tests.Processes;
using Xunit;

namespace OrleansCache.Redis.Tests.Options;

/// <summary>
/// Every bridge setting comes from configuration alone: the README's flags, the same as environment variables and as
/// JSON, through the very registration a silo uses; and unusable settings stop the silo with one line each.
/// </summary>
public sealed class RedisBridgeConfigurationTests
{
    [Fact]
    public void ReadmeFlags_ConfigureTheBridge_AsTheCommandLineWould()
    {
        var args = ReadmeBridgeFlags.Read();

        using var host = BuildSilo(c => c.AddCommandLine(args));

        AssertReadmeSettings(host.Services);
    }

    [Fact]
    public void ReadmeFlags_AsEnvironmentVariables_ConfigureTheBridge()
    {
        var prefix = $"OCTEST{Guid.NewGuid():N}_";
        var variables = ReadmeBridgeFlags.Read().Select(a => a[2..].Split('=', 2)).Select(kv => (Name: prefix + kv[0].Replace(":", "__", StringComparison.Ordinal), Value: kv[1])).ToList();
        try
        {
            variables.ForEach(v => Environment.SetEnvironmentVariable(v.Name, v.Value));
            using var host = BuildSilo(c => c.AddEnvironmentVariables(prefix));

            AssertReadmeSettings(host.Services);
        }
        finally
        {
            variables.ForEach(v => Environment.SetEnvironmentVariable(v.Name, null));
        }
    }

    [Fact]
    public void AppSettingsJson_ConfiguresTheBridge()
    {
        const string Json = """
            {
              "Redis": { "ConnectionString": "redis.internal:6379", "User": "cache-silo", "Password": "change-me" },
              "RedisBridge": {
                "Channels": [ "cache:invalidate" ],
                "TypedChannels": [ { "Channel": "cache:personality-invalidation", "Prefix": "personality:" } ],
                "KeyspacePrefixes": [ "user:" ],
                "StreamKey": "cache:invalidate:stream",
                "StreamClaimAfter": "00:00:30",
                "OutboundChannel": "cache:invalidated"
              }
            }
            """;

        using var host = BuildSilo(c => c.AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(Json))));

        AssertReadmeSettings(host.Services);
    }

    [Fact]
    public void UnusableSettings_StopTheSilo_WithOneLineEach()
    {
        string[] args =
        [
            "--RedisBridge:Channels:0=cache:a",
            "--RedisBridge:Channels:1= ",
            "--RedisBridge:TypedChannels:0:Channel=cache:a",
            "--RedisBridge:TypedChannels:0:Prefix=p:",
            "--RedisBridge:TypedChannels:1:Channel=cache:b",
            "--RedisBridge:TypedChannels:1:Prefix=",
            "--RedisBridge:TypedChannels:2:Channel=cache:c",
            "--RedisBridge:TypedChannels:2:Prefix=p*",
            "--RedisBridge:KeyspacePrefixes:0=orleanscache:",
            "--RedisBridge:MaxBatchSize=-1",
            "--RedisBridge:QueueCapacity=0",
            "--RedisBridge:StreamPollInterval=-00:00:01",
        ];
        using var host = BuildSilo(c => c.AddCommandLine(args));

        var error = Assert.Throws<OptionsValidationException>(() => host.Services.GetRequiredService<IOptions<RedisBridgeOptions>>().Value);

        Assert.Equal(
            [
                "RedisBridge:Channels:1",
                "RedisBridge:TypedChannels:0:Channel",
                "RedisBridge:TypedChannels:1:Prefix",
                "RedisBridge:TypedChannels:2:Prefix",
                "RedisBridge:KeyspacePrefixes:0",
                "RedisBridge:MaxBatchSize",
                "RedisBridge:QueueCapacity",
                "RedisBridge:StreamPollInterval",
            ],
            error.Failures.Select(f => f.Split(' ')[0]));
        Assert.All(error.Failures, f => Assert.DoesNotContain('\n', f));
        Assert.Contains("overlaps the cluster's own key prefix", error.Failures.Single(f => f.StartsWith("RedisBridge:KeyspacePrefixes:0", StringComparison.Ordinal)), StringComparison.Ordinal);
    }

    [Fact]
    public void NoChannelsConfigured_ListensOnTheDefaultChannel_UnlessTurnedOff()
    {
        using var defaults = BuildSilo(_ => { });
        using var off = BuildSilo(c => c.AddCommandLine(["--RedisBridge:UseDefaultChannel=false"]));

        Assert.Equal([RedisBridgeOptions.DefaultChannel], defaults.Services.GetRequiredService<BridgeSettings>().CanonicalChannels);
        Assert.Empty(off.Services.GetRequiredService<BridgeSettings>().CanonicalChannels);
    }

    private static void AssertReadmeSettings(IServiceProvider services)
    {
        var redis = services.GetRequiredService<IOptions<RedisCacheOptions>>().Value;
        Assert.Equal("redis.internal:6379", redis.ConnectionString);
        Assert.Equal("cache-silo", redis.User);
        Assert.Equal("change-me", redis.Password);

        var bridge = services.GetRequiredService<IOptions<RedisBridgeOptions>>().Value;
        Assert.Equal(["cache:invalidate"], bridge.Channels);
        var typed = Assert.Single(bridge.TypedChannels);
        Assert.Equal("cache:personality-invalidation", typed.Channel);
        Assert.Equal("personality:", typed.Prefix);
        Assert.Equal(["user:"], bridge.KeyspacePrefixes);
        Assert.Equal("cache:invalidate:stream", bridge.StreamKey);
        Assert.Equal(TimeSpan.FromSeconds(30), bridge.StreamClaimAfter);
        Assert.Equal("cache:invalidated", bridge.OutboundChannel);
        Assert.Equal("orleanscache:readme", services.GetRequiredService<BridgeSettings>().ConsumerGroup);
    }

    /// <summary>A silo host as an application would build it, not started.</summary>
    private static IHost BuildSilo(Action<IConfigurationBuilder> configure)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        configure(builder.Configuration);
        builder.UseOrleans(silo => silo
            .UseLocalhostClustering(serviceId: "readme")
            .AddOrleansCache(cache => cache.UseRedisStorage().AddRedisInvalidationBridge()));
        return builder.Build();
    }
}
