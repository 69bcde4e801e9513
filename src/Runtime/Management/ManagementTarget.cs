using System.Text.Json;
using Google.Protobuf;
using OrleansCache.Core.Management;
using OrleansCache.Runtime.Activation;
using OrleansCache.Runtime.Diagnostics;
using OrleansCache.Runtime.Hosting;
using OrleansCache.Runtime.SiloMessaging;

namespace OrleansCache.Runtime.Management;

/// <summary>Each silo's part of a management call: its activation count, its metrics, or its recent rejections.</summary>
internal sealed class ManagementTarget(Catalog catalog, SiloMetricsCollector metrics, LocalSiloDetails local, IEnumerable<IRecentRejections> rejections) : ISystemTarget
{
    public const string TargetName = "management";
    public const string ActivationsOperation = "activations";
    public const string StatisticsOperation = "statistics";
    public const string RejectionsOperation = "rejections";

    private readonly IRecentRejections[] _rejections = [.. rejections];

    public string Name => TargetName;

    public Task<ByteString> HandleAsync(string operation, ByteString payload, CancellationToken cancellationToken)
    {
        var result = operation switch
        {
            ActivationsOperation => JsonSerializer.SerializeToUtf8Bytes(catalog.Count),
            StatisticsOperation => JsonSerializer.SerializeToUtf8Bytes(metrics.Snapshot(local.Address.ToString())),
            RejectionsOperation => JsonSerializer.SerializeToUtf8Bytes(RecentRejections()),
            _ => throw new ArgumentException($"Unknown management operation '{operation}'.", nameof(operation)),
        };
        return Task.FromResult(UnsafeByteOperations.UnsafeWrap(result));
    }

    private RejectedMessage[] RecentRejections()
    {
        var silo = local.Address.ToString();
        return [.. _rejections
            .SelectMany(r => r.Recent())
            .OrderByDescending(r => r.Time)
            .Take(IManagementGrain.MaxRecentRejections)
            .Select(r => r with { Silo = silo })];
    }
}
