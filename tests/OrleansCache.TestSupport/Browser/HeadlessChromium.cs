using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace OrleansCache.TestSupport.Browser;

/// <summary>
/// Debian's Chromium, headless, driven over the DevTools protocol: open a page, evaluate JavaScript, wait for a
/// condition in the page, take a screenshot. A fresh profile per instance; nothing is downloaded.
/// </summary>
/// <remarks>
/// A missing browser is a failure, not a skip: <c>scripts/test.sh</c> installs the <c>chromium</c> package.
/// </remarks>
public sealed partial class HeadlessChromium : IAsyncDisposable
{
    /// <summary>Where Debian's <c>chromium</c> package puts the browser.</summary>
    public const string ExecutablePath = "/usr/bin/chromium";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly DirectoryInfo _profile;
    private readonly ClientWebSocket _socket = new();
    private readonly SemaphoreSlim _sending = new(1, 1);
    private readonly ConcurrentDictionary<int, TaskCompletionSource<JsonObject>> _pending = new();
    private readonly ConcurrentQueue<string> _errors = new();
    private readonly CancellationTokenSource _closing = new();
    private Task _receiving = Task.CompletedTask;
    private int _nextId;

    private HeadlessChromium(Process process, DirectoryInfo profile)
    {
        _process = process;
        _profile = profile;
    }

    /// <summary>JavaScript exceptions and console errors (CSP violations included) the page reported so far.</summary>
    public IReadOnlyCollection<string> Errors => [.. _errors];

    /// <exception cref="InvalidOperationException">Chromium is not installed, or did not start.</exception>
    public static async Task<HeadlessChromium> LaunchAsync(int width = 1400, int height = 1000, CancellationToken cancellationToken = default)
    {
        if (!File.Exists(ExecutablePath))
        {
            throw new InvalidOperationException(
                $"Chromium is not installed at {ExecutablePath}, and the dashboard tests need it. Install Debian's package: " +
                "apt-get install -y chromium (scripts/test.sh does this when it runs as root).");
        }

        var profile = Directory.CreateTempSubdirectory("orleanscache-chromium-");
        var start = new ProcessStartInfo(ExecutablePath) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in new[]
        {
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run", "--disable-quic", "--disable-dev-shm-usage", "--no-default-browser-check",
            "--hide-scrollbars", "--mute-audio", $"--window-size={width},{height}",
            $"--user-data-dir={profile.FullName}", "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0", "about:blank",
        })
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("Chromium did not start.");
        var browser = new HeadlessChromium(process, profile);
        try
        {
            var endpoint = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            var output = new ConcurrentQueue<string>();
            process.ErrorDataReceived += (_, e) =>
            {
                if (e.Data is null)
                {
                    endpoint.TrySetException(new InvalidOperationException($"Chromium exited before it listened: {string.Join(" | ", output)}"));
                    return;
                }

                output.Enqueue(e.Data);
                if (DevToolsPattern().Match(e.Data) is { Success: true } match)
                {
                    endpoint.TrySetResult(match.Groups[1].Value);
                }
            };
            process.OutputDataReceived += (_, _) => { };
            process.BeginErrorReadLine();
            process.BeginOutputReadLine();
            var port = await endpoint.Task.WaitAsync(StartTimeout, cancellationToken).ConfigureAwait(false);
            await browser.AttachToPageAsync(port, cancellationToken).ConfigureAwait(false);
            return browser;
        }
        catch
        {
            await browser.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Opens <paramref name="url"/> and waits until the document has loaded.</summary>
    public async Task NavigateAsync(Uri url, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(url);
        var result = await SendAsync("Page.navigate", new JsonObject { ["url"] = url.ToString() }, cancellationToken).ConfigureAwait(false);
        if (result["errorText"] is { } error)
        {
            throw new InvalidOperationException($"Chromium could not open {url}: {error}");
        }

        await WaitForAsync("document.readyState === 'complete'", StartTimeout, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Evaluates <paramref name="expression"/> in the page (awaiting a promise) and returns its value as JSON.</summary>
    /// <exception cref="InvalidOperationException">The expression threw.</exception>
    public async Task<JsonNode?> EvaluateAsync(string expression, CancellationToken cancellationToken = default)
    {
        var result = await SendAsync("Runtime.evaluate", new JsonObject
        {
            ["expression"] = expression,
            ["returnByValue"] = true,
            ["awaitPromise"] = true,
        }, cancellationToken).ConfigureAwait(false);
        if (result["exceptionDetails"] is { } exception)
        {
            var description = exception["exception"]?["description"]?.GetValue<string>() ?? exception["text"]?.GetValue<string>() ?? exception.ToJsonString();
            throw new InvalidOperationException($"The page threw evaluating '{expression}': {description}");
        }

        return result["result"]?["value"]?.DeepClone();
    }

    /// <summary>
    /// Waits, inside the page, until <paramref name="condition"/> (a JavaScript expression) is truthy, and returns its
    /// value. The page checks it every 50 ms: the wait ends as soon as the condition holds.
    /// </summary>
    /// <exception cref="TimeoutException">It did not hold within <paramref name="timeout"/>; the message says what it was last.</exception>
    public async Task<JsonNode?> WaitForAsync(string condition, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var milliseconds = ((long)timeout.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
        var script = $$"""
            new Promise((resolve) => {
              const started = Date.now();
              let last;
              (function check() {
                try { last = ({{condition}}); } catch (e) { last = 'threw: ' + e; }
                if (last && !(typeof last === 'string' && last.startsWith('threw: '))) { resolve({ ok: true, value: last }); return; }
                if (Date.now() - started > {{milliseconds}}) { resolve({ ok: false, value: String(last) }); return; }
                setTimeout(check, 50);
              })();
            })
            """;
        var outcome = await EvaluateAsync(script, cancellationToken).ConfigureAwait(false);
        if (outcome?["ok"]?.GetValue<bool>() != true)
        {
            throw new TimeoutException($"Within {timeout}, the page never satisfied: {condition} (last: {outcome?["value"]})");
        }

        return outcome["value"];
    }

    /// <summary>A PNG of the whole page.</summary>
    public async Task<byte[]> ScreenshotAsync(CancellationToken cancellationToken = default)
    {
        var result = await SendAsync("Page.captureScreenshot", new JsonObject { ["format"] = "png", ["captureBeyondViewport"] = true }, cancellationToken).ConfigureAwait(false);
        return Convert.FromBase64String(result["data"]!.GetValue<string>());
    }

    public async ValueTask DisposeAsync()
    {
        await _closing.CancelAsync().ConfigureAwait(false);
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync().WaitAsync(StartTimeout).ConfigureAwait(false);
            }
        }
        catch (InvalidOperationException)
        {
            // Never started or already gone.
        }

        try
        {
            await _receiving.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException)
        {
        }

        _socket.Dispose();
        _process.Dispose();
        _sending.Dispose();
        _closing.Dispose();
        try
        {
            _profile.Delete(recursive: true);
        }
        catch (IOException)
        {
            // Chromium may still be writing its profile as it dies; a temp folder left behind harms nothing.
        }
    }

    private async Task AttachToPageAsync(string port, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = StartTimeout };
        var targets = await http.GetFromJsonAsync<JsonArray>(new Uri($"http://127.0.0.1:{port}/json/list"), cancellationToken).ConfigureAwait(false);
        var page = targets?.FirstOrDefault(t => t?["type"]?.GetValue<string>() == "page")
            ?? throw new InvalidOperationException("Chromium has no page to drive.");
        await _socket.ConnectAsync(new Uri(page["webSocketDebuggerUrl"]!.GetValue<string>()), cancellationToken).ConfigureAwait(false);
        _receiving = Task.Run(ReceiveAsync, CancellationToken.None);
        await SendAsync("Page.enable", new JsonObject(), cancellationToken).ConfigureAwait(false);
        await SendAsync("Runtime.enable", new JsonObject(), cancellationToken).ConfigureAwait(false);
        await SendAsync("Log.enable", new JsonObject(), cancellationToken).ConfigureAwait(false);
    }

    private async Task<JsonObject> SendAsync(string method, JsonObject parameters, CancellationToken cancellationToken)
    {
        var id = Interlocked.Increment(ref _nextId);
        var answer = new TaskCompletionSource<JsonObject>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = answer;
        var bytes = Encoding.UTF8.GetBytes(new JsonObject { ["id"] = id, ["method"] = method, ["params"] = parameters }.ToJsonString());
        await _sending.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _socket.SendAsync(bytes, WebSocketMessageType.Text, endOfMessage: true, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _sending.Release();
        }

        try
        {
            var response = await answer.Task.WaitAsync(CommandTimeout, cancellationToken).ConfigureAwait(false);
            if (response["error"] is { } error)
            {
                throw new InvalidOperationException($"Chromium refused {method}: {error.ToJsonString()}");
            }

            return response["result"] as JsonObject ?? [];
        }
        finally
        {
            _pending.TryRemove(id, out _);
        }
    }

    private async Task ReceiveAsync()
    {
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        try
        {
            while (!_closing.IsCancellationRequested)
            {
                var received = await _socket.ReceiveAsync(buffer, _closing.Token).ConfigureAwait(false);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }

                message.Write(buffer, 0, received.Count);
                if (!received.EndOfMessage)
                {
                    continue;
                }

                var json = JsonNode.Parse(message.GetBuffer().AsSpan(0, (int)message.Length)) as JsonObject;
                message.SetLength(0);
                if (json?["id"] is { } id && _pending.TryGetValue(id.GetValue<int>(), out var answer))
                {
                    answer.TrySetResult(json);
                }
                else if (json is not null)
                {
                    OnEvent(json);
                }
            }
        }
        finally
        {
            var gone = new InvalidOperationException("The connection to Chromium closed.");
            foreach (var answer in _pending.Values)
            {
                answer.TrySetException(gone);
            }
        }
    }

    private void OnEvent(JsonObject message)
    {
        var parameters = message["params"] as JsonObject;
        var method = message["method"]?.GetValue<string>();
        if (parameters is null)
        {
            return;
        }

        if (method == "Runtime.exceptionThrown")
        {
            var details = parameters["exceptionDetails"];
            _errors.Enqueue("exception: " + (details?["exception"]?["description"] ?? details?["text"]));
        }
        else if (method == "Runtime.consoleAPICalled" && parameters["type"]?.GetValue<string>() == "error")
        {
            _errors.Enqueue("console.error: " + parameters["args"]?.ToJsonString());
        }
        else if (method == "Log.entryAdded" && parameters["entry"]?["level"]?.GetValue<string>() == "error")
        {
            var entry = parameters["entry"];
            _errors.Enqueue("log: " + entry?["text"] + (entry?["url"] is { } url ? " (" + url + ")" : string.Empty));
        }
    }

    [GeneratedRegex(@"DevTools listening on ws://127\.0\.0\.1:(\d+)/", RegexOptions.None, 1000)]
    private static partial Regex DevToolsPattern();
}
