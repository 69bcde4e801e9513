using Microsoft.Extensions.Options;
using Orleans.Configuration;
using OrleansCache.Grains;
using OrleansCache.Redis.Bridge.Parsing;
using OrleansCache.Redis.Connection;

namespace OrleansCache.Redis;

/// <summary>
/// Refuses bridge settings that cannot work, so the silo stops at startup with one line per setting, named as in
/// configuration (e.g. <c>RedisBridge:TypedChannels:0:Prefix</c>), rather than misbehaving on the first message.
/// </summary>
internal sealed class RedisBridgeOptionsValidator(IOptions<ClusterOptions> cluster, IOptions<CacheSiloOptions> cache, IOptions<RedisCacheOptions> redis)
    : IValidateOptions<RedisBridgeOptions>
{
    /// <summary>The longest channel, stream or group name accepted.</summary>
    public const int MaxNameLength = 1024;

    /// <summary>The largest inbound message that may be allowed.</summary>
    public const int MaxMessageBytesLimit = 16 * 1024 * 1024;

    private const string Section = RedisBridgeOptions.SectionName;

    public ValidateOptionsResult Validate(string? name, RedisBridgeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        var limits = new BridgeLimits { MaxKeyLength = cache.Value.MaxKeyLength };
        var channels = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < options.Channels.Count; i++)
        {
            CheckChannel(errors, $"{nameof(RedisBridgeOptions.Channels)}:{i}", options.Channels[i], channels);
        }

        for (var i = 0; i < options.TypedChannels.Count; i++)
        {
            var typed = options.TypedChannels[i];
            var setting = $"{nameof(RedisBridgeOptions.TypedChannels)}:{i}";
            if (typed is null)
            {
                errors.Add($"{Section}:{setting} is missing; give it a {nameof(RedisTypedChannel.Channel)} and a {nameof(RedisTypedChannel.Prefix)}.");
                continue;
            }

            CheckChannel(errors, $"{setting}:{nameof(RedisTypedChannel.Channel)}", typed.Channel, channels);
            try
            {
                TypedEventParser.ValidateKeyPrefix(typed.Prefix ?? string.Empty, limits);
            }
            catch (ArgumentException ex)
            {
                errors.Add($"{Section}:{setting}:{nameof(RedisTypedChannel.Prefix)} is unusable: {FirstSentence(ex.Message)}");
            }
        }

        CheckKeyspacePrefixes(errors, options, limits);
        if (options.OutboundChannel is { } outbound)
        {
            CheckName(errors, nameof(RedisBridgeOptions.OutboundChannel), outbound);
            if (options.TypedChannels.Any(t => string.Equals(t?.Channel, outbound, StringComparison.Ordinal)))
            {
                errors.Add($"{Section}:{nameof(RedisBridgeOptions.OutboundChannel)} must not be a typed channel: outbound messages are canonical JSON.");
            }
        }

        if (options.StreamKey is { } stream)
        {
            CheckName(errors, nameof(RedisBridgeOptions.StreamKey), stream);
        }

        if (options.ConsumerGroup is { } group)
        {
            CheckName(errors, nameof(RedisBridgeOptions.ConsumerGroup), group);
        }

        if (options.Source is { } source && (string.IsNullOrWhiteSpace(source) || source.Length > limits.MaxFieldLength || HasControl(source)))
        {
            errors.Add($"{Section}:{nameof(RedisBridgeOptions.Source)} must have 1 to {limits.MaxFieldLength} characters and no control characters; leave it unset for orleanscache:{{ServiceId}}.");
        }

        Range(errors, nameof(RedisBridgeOptions.MaxMessageBytes), options.MaxMessageBytes, 1, MaxMessageBytesLimit);
        Range(errors, nameof(RedisBridgeOptions.MaxBatchSize), options.MaxBatchSize, 1, 100_000);
        Range(errors, nameof(RedisBridgeOptions.StreamBatchSize), options.StreamBatchSize, 1, 10_000);
        Range(errors, nameof(RedisBridgeOptions.QueueCapacity), options.QueueCapacity, 1, 10_000_000);
        Range(errors, nameof(RedisBridgeOptions.OutboundQueueCapacity), options.OutboundQueueCapacity, 1, 10_000_000);
        Range(errors, nameof(RedisBridgeOptions.MaxConcurrentApplies), options.MaxConcurrentApplies, 1, 256);
        Range(errors, nameof(RedisBridgeOptions.ApplyAttempts), options.ApplyAttempts, 1, 100);
        Positive(errors, nameof(RedisBridgeOptions.StreamClaimAfter), options.StreamClaimAfter);
        Positive(errors, nameof(RedisBridgeOptions.StreamPollInterval), options.StreamPollInterval);
        if (options.ViewChangeGrace < TimeSpan.Zero)
        {
            errors.Add($"{Section}:{nameof(RedisBridgeOptions.ViewChangeGrace)} must not be negative.");
        }

        if (options.RejectionLogInterval < TimeSpan.Zero)
        {
            errors.Add($"{Section}:{nameof(RedisBridgeOptions.RejectionLogInterval)} must not be negative.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private void CheckKeyspacePrefixes(List<string> errors, RedisBridgeOptions options, BridgeLimits limits)
    {
        var ownPrefix = redis.Value.KeyPrefix ?? RedisConnection.DefaultKeyPrefix(cluster.Value.ServiceId);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < options.KeyspacePrefixes.Count; i++)
        {
            var prefix = options.KeyspacePrefixes[i];
            var setting = $"{Section}:{nameof(RedisBridgeOptions.KeyspacePrefixes)}:{i}";
            if (string.IsNullOrWhiteSpace(prefix) || prefix.Length >= limits.MaxKeyLength || HasControl(prefix) || prefix.AsSpan().IndexOfAny("*?[]\\") >= 0)
            {
                errors.Add($"{setting} must have 1 to {limits.MaxKeyLength - 1} characters, none of them control characters or * ? [ ] \\.");
            }
            else if (!seen.Add(prefix))
            {
                errors.Add($"{setting} '{prefix}' is listed twice.");
            }
            else if (prefix.StartsWith(ownPrefix, StringComparison.Ordinal) || ownPrefix.StartsWith(prefix, StringComparison.Ordinal))
            {
                // Every storage write would notify, and the invalidation it causes would write again: a loop.
                errors.Add($"{setting} '{prefix}' overlaps the cluster's own key prefix '{ownPrefix}'; name the prefix of the keys other services change.");
            }
        }
    }

    private static void CheckChannel(List<string> errors, string setting, string? channel, HashSet<string> channels)
    {
        if (CheckName(errors, setting, channel) && !channels.Add(channel!))
        {
            errors.Add($"{Section}:{setting} '{channel}' is listed more than once (as canonical or typed channel); each channel has one format.");
        }
    }

    private static bool CheckName(List<string> errors, string setting, string? value)
    {
        if (string.IsNullOrWhiteSpace(value) || value.Length > MaxNameLength || HasControl(value))
        {
            errors.Add($"{Section}:{setting} must have 1 to {MaxNameLength} characters and no control characters.");
            return false;
        }

        return true;
    }

    private static void Range(List<string> errors, string setting, int value, int min, int max)
    {
        if (value < min || value > max)
        {
            errors.Add($"{Section}:{setting} must be from {min} to {max}; it is {value}.");
        }
    }

    private static void Positive(List<string> errors, string setting, TimeSpan value)
    {
        if (value <= TimeSpan.Zero)
        {
            errors.Add($"{Section}:{setting} must be positive.");
        }
    }

    private static bool HasControl(string text) => text.AsSpan().ContainsAnyInRange('\0', '\u001f');

    private static string FirstSentence(string message)
    {
        // ArgumentException appends " (Parameter 'x')", which names our parameter, not the setting.
        var end = message.IndexOf(" (Parameter", StringComparison.Ordinal);
        return end < 0 ? message : message[..end];
    }
}
