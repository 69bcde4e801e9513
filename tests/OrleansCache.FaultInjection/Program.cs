using System.Globalization;
using System.Runtime.InteropServices;
using OrleansCache.FaultInjection;
using OrleansCache.FaultInjection.History;
using OrleansCache.FaultInjection.Network;

// The fault-injection runner (docs/reliability.md). Exit code 0: no violation; 1: violations (listed); 2: bad arguments;
// 130: interrupted (Ctrl-C or SIGTERM).
//   dotnet tests/OrleansCache.FaultInjection/bin/Release/net10.0/OrleansCache.FaultInjection.dll [--duration 2m] [--rounds 2]
//       [--soak 10m] [--seed 7] [--clients 4] [--silos 3] [--faults SiloKill,...] [--network namespaces|proxies] [--report report.md]
var options = new FaultRunOptions { Log = line => Console.WriteLine(line) };
string? reportPath = null;
try
{
    for (var i = 0; i < args.Length; i++)
    {
        var value = i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value.");
        switch (args[i])
        {
            case "--duration": options.Duration = ParseDuration(value); break;
            case "--soak": options.Soak = ParseDuration(value); break;
            case "--rounds": options.FaultRounds = int.Parse(value, CultureInfo.InvariantCulture); break;
            case "--seed": options.Seed = int.Parse(value, CultureInfo.InvariantCulture); break;
            case "--clients": options.Clients = int.Parse(value, CultureInfo.InvariantCulture); break;
            case "--silos": options.Silos = int.Parse(value, CultureInfo.InvariantCulture); break;
            case "--report": reportPath = value; break;
            case "--network": options.Network = Enum.Parse<NetworkMode>(value, ignoreCase: true); break;
            case "--faults":
                foreach (var kind in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                {
                    options.OnlyFaults.Add(kind);
                }

                break;
            default: throw new ArgumentException($"Unknown argument {args[i]}.");
        }

        i++;
    }
}
catch (Exception ex) when (ex is ArgumentException or FormatException or OverflowException)
{
    Console.Error.WriteLine(ex.Message);
    Console.Error.WriteLine("usage: OrleansCache.FaultInjection [--duration 2m] [--rounds 2] [--soak 10m] [--seed 7] [--clients 4] [--silos 3] [--faults SiloKill,RedisPause] [--network namespaces|proxies] [--report file.md]");
    return 2;
}

// Ctrl-C and SIGTERM end the run through cancellation, so its processes, namespaces and veth pairs are removed.
using var stopping = new CancellationTokenSource();
using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
FaultReport report;
try
{
    report = await FaultRun.RunAsync(options, stopping.Token);
}
catch (OperationCanceledException) when (stopping.IsCancellationRequested)
{
    Console.Error.WriteLine("Stopped; everything the run started was removed.");
    return 130;
}

var markdown = report.ToMarkdown();
Console.WriteLine(markdown);
if (reportPath is not null)
{
    await File.WriteAllTextAsync(reportPath, markdown);
}

Console.WriteLine(report.Passed ? "PASSED: no violation" : $"FAILED: {report.Violations.Count} violations");
return report.Passed ? 0 : 1;

void Stop(PosixSignalContext context)
{
    context.Cancel = true;
    stopping.Cancel();
}

// 90s, 2m, 1h, or a TimeSpan (00:02:00).
static TimeSpan ParseDuration(string text) => text[^1] switch
{
    's' => TimeSpan.FromSeconds(double.Parse(text[..^1], CultureInfo.InvariantCulture)),
    'm' => TimeSpan.FromMinutes(double.Parse(text[..^1], CultureInfo.InvariantCulture)),
    'h' => TimeSpan.FromHours(double.Parse(text[..^1], CultureInfo.InvariantCulture)),
    _ => TimeSpan.Parse(text, CultureInfo.InvariantCulture),
};
