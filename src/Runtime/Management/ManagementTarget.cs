using System.Text.Json;
using Google.Protobuf;
using OrleansCache.Runtime.Activation;
using OrleansCache.Runtime.Diagnostics;
using OrleansCache.Runtime.Hosting;
using OrleansCache.Runtime.SiloMessaging;

namespace OrleansCache.Runtime.Management;

/// <summary>Each silo's part of a management call: its activation count, or its metrics.</summary>
internal sealed class ManagementTarget(Catalog catalog, SiloMetricsCollector metrics, LocalSiloDetails local) : ISystemTarget
{
    public const string TargetName = "management";
    public const string ActivationsOperation = "activations";
    public const string StatisticsOperation = "statistics";

    public string Name => TargetName;

    public Task<ByteString> HandleAsync(string operation, ByteString payload, CancellationToken cancellationToken)
    {
        var result = operation switch
        {
            ActivationsOperation => JsonSerializer.SerializeToUtf8Bytes(catalog.Count),
            StatisticsOperation => JsonSerializer.SerializeToUtf8Bytes(metrics.Snapshot(local.Address.ToString())),
            _ => throw new ArgumentException($"Unknown management operation '{operation}'.", nameof(operation)),
        };
        return Task.FromResult(UnsafeByteOperations.UnsafeWrap(result));
    }
}
