using System.Globalization;
using System.Net;
using System.Text;
using OrleansCache.Silo.Tests.Infrastructure;
using OrleansCache.TestSupport.Network;
using OrleansCache.TestSupport.Processes;
using Xunit;

namespace OrleansCache.Silo.Tests.Process;

/// <summary>The executable sends its spans over OTLP when told to (<c>Tracing:OtlpEndpoint</c>).</summary>
public sealed class SiloTracingTests
{
    [Fact]
    public async Task Silo_WithAnOtlpEndpoint_ExportsTheEntryGrainsCallSpans()
    {
        var ct = TestContext.Current.CancellationToken;
        var receiverPort = FreePorts.Take();
        using var receiver = new HttpListener();
        receiver.Prefixes.Add($"http://127.0.0.1:{Text(receiverPort)}/");
        receiver.Start();

        var clusterId = $"otlp-{Guid.NewGuid():N}";
        await using var silo = await SiloProcess.StartAsync(
            "--cluster-id", clusterId, "--silo-port", Text(FreePorts.Take()), "--gateway-port", Text(FreePorts.Take()),
            $"--Tracing:OtlpEndpoint=http://127.0.0.1:{Text(receiverPort)}/v1/traces", "--Tracing:OtlpProtocol=HttpProtobuf");
        var client = await Clients.StartAsync(silo.Gateway, clusterId);
        try
        {
            await client.Cache().SetAsync("otlp:1", "v", cancellationToken: ct);
        }
        finally
        {
            await client.StopQuietlyAsync();
        }

        // OTLP over HTTP: protobuf posts to /v1/traces, in batches (every 5 s by default). Span names are plain UTF-8
        // strings in protobuf, so the grain call's span shows in the bytes.
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(TimeSpan.FromSeconds(60));
        while (true)
        {
            var context = await receiver.GetContextAsync().WaitAsync(deadline.Token);
            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body, deadline.Token);
            context.Response.StatusCode = 200;
            context.Response.Close();
            Assert.Equal("/v1/traces", context.Request.Url!.AbsolutePath);
            Assert.Equal("application/x-protobuf", context.Request.ContentType);
            var text = Encoding.UTF8.GetString(body.ToArray());
            if (text.Contains("ICacheEntryGrain/SetAsync", StringComparison.Ordinal))
            {
                Assert.Contains("orleans-cache", text, StringComparison.Ordinal);
                return;
            }
        }
    }

    private static string Text(int port) => port.ToString(CultureInfo.InvariantCulture);
}
