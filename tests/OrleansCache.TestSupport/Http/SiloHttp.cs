using System.Net;

namespace OrleansCache.TestSupport.Http;

/// <summary>Requests to a silo's HTTP endpoints, and scrapes of its <c>/metrics</c> through the strict parser.</summary>
public static class SiloHttp
{
    /// <summary>The longest a test waits for a figure to reach what it expects.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private static readonly HttpClient Client = new() { Timeout = Timeout };

    /// <summary>GETs (or sends <paramref name="method"/> to) <c>http://{endPoint}{path}</c>.</summary>
    public static async Task<(HttpStatusCode Status, string Body, HttpResponseMessage Response)> SendAsync(string endPoint, string path, HttpMethod? method = null, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(method ?? HttpMethod.Get, new Uri($"http://{endPoint}{path}"));
        var response = await Client.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        return (response.StatusCode, body, response);
    }

    /// <summary>Scrapes <c>/metrics</c> and parses it strictly.</summary>
    /// <exception cref="FormatException">The text is not valid Prometheus exposition.</exception>
    public static async Task<PrometheusText> ScrapeAsync(string endPoint, CancellationToken cancellationToken = default)
    {
        var (status, body, response) = await SendAsync(endPoint, "/metrics", cancellationToken: cancellationToken).ConfigureAwait(false);
        using (response)
        {
            if (status != HttpStatusCode.OK || response.Content.Headers.ContentType?.MediaType != "text/plain")
            {
                throw new InvalidOperationException($"/metrics answered {(int)status} {response.Content.Headers.ContentType}: {body}");
            }
        }

        return PrometheusText.Parse(body);
    }

    /// <summary>
    /// Scrapes every silo in <paramref name="endPoints"/> until <paramref name="condition"/> holds over the scrapes (for
    /// figures recorded after the traffic that causes them has returned, e.g. on another silo), and returns them.
    /// </summary>
    /// <exception cref="TimeoutException">It did not hold within <see cref="Timeout"/>.</exception>
    public static async Task<PrometheusText[]> ScrapeUntilAsync(IReadOnlyList<string> endPoints, Func<PrometheusText[], bool> condition, string what, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(endPoints);
        ArgumentNullException.ThrowIfNull(condition);
        var deadline = DateTime.UtcNow + Timeout;
        while (true)
        {
            var scrapes = await Task.WhenAll(endPoints.Select(e => ScrapeAsync(e, cancellationToken))).ConfigureAwait(false);
            if (condition(scrapes))
            {
                return scrapes;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Within {Timeout}, /metrics of {string.Join(", ", endPoints)} never showed {what}.");
            }

            // The figure is recorded by another thread or silo; ask again shortly.
            await Task.Delay(TimeSpan.FromMilliseconds(20), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc cref="ScrapeUntilAsync(IReadOnlyList{string}, Func{PrometheusText[], bool}, string, CancellationToken)"/>
    public static async Task<PrometheusText> ScrapeUntilAsync(string endPoint, Func<PrometheusText, bool> condition, string what, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var scrapes = await ScrapeUntilAsync([endPoint], s => condition(s[0]), what, cancellationToken).ConfigureAwait(false);
        return scrapes[0];
    }
}
