using System.Globalization;
using Microsoft.Extensions.Logging;
using OrleansCache.FaultInjection;
using OrleansCache.FaultInjection.Fusion;

// dotnet run --project tests/OrleansCache.FaultInjection -c Release -- [--target orleanscache|fusioncache] [--seed N] [--duration 10m] [--silos 3]
//   [--rounds 1] [--clients 3] [--workers 2] [--faults Kind,Kind] [--quiet-gap 1.5s] [--burst-interval 1s] [--no-namespaces] [--report FILE] [--soak DIR] [--silo-logs DIR];
//   docs/reliability.md. Exit code 0: no violations; 1: violations; 2: usage.
var options = new FaultRunOptions();
string? reportPath = null;
try
{
    for (var i = 0; i < args.Length; i++)
    {
        switch (args[i])
        {
            case "--target": options.Target = Enum.Parse<RunTarget>(args[++i], ignoreCase: true); break;
            case "--seed": options.Seed = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
            case "--duration": options.Duration = ParseDuration(args[++i]); break;
            case "--rounds": options.Rounds = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
            case "--silos": options.Silos = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
            case "--silo-lanes": options.SiloLanes = int.Parse(args[++i], CultureInfo.InvariantCulture) is var lanes and (1 or 2) ? lanes : throw new FormatException("--silo-lanes takes 1 or 2."); break;
            case "--clients": options.Clients = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
            case "--no-namespaces": options.UseNamespaces = false; break;
            case "--faults": options.Faults = [.. args[++i].Split(',').Select(Enum.Parse<OrleansCache.FaultInjection.Faults.FaultKind>)]; break;
            case "--report": reportPath = args[++i]; break;
            case "--workers": options.WorkersPerClient = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
            case "--quiet-gap": options.QuietGap = ParseDuration(args[++i]); break;
            case "--soak": options.SoakDirectory = args[++i]; break;
            case "--silo-logs": options.SiloLogDirectory = args[++i]; break;
            case "--burst-interval": options.BurstInterval = ParseDuration(args[++i]); break;
            default: throw new FormatException($"Unknown argument '{args[i]}'.");
        }
    }
}
catch (Exception ex) when (ex is FormatException or IndexOutOfRangeException or OverflowException or ArgumentException)
{
    await Console.Error.WriteLineAsync($"{ex.Message} Usage: [--target orleanscache|fusioncache] [--seed N] [--duration 10m|90s] [--rounds 1] [--silos 3] [--silo-lanes 1|2] [--clients 3] [--workers 2] [--faults OwnerKill,Partition,...] [--quiet-gap 1.5s] [--burst-interval 1s] [--no-namespaces] [--report FILE] [--soak DIR] [--silo-logs DIR]");
    return 2;
}

using var loggers = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.TimestampFormat = "HH:mm:ss.fff ").SetMinimumLevel(LogLevel.Information));
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};

var logger = loggers.CreateLogger("OrleansCache.FaultInjection");
var report = options.Target == RunTarget.FusionCache
    ? await new FusionCacheRun(options, logger).RunAsync(stop.Token)
    : await new FaultRun(options, logger).RunAsync(stop.Token);
var markdown = report.ToMarkdown();
Console.WriteLine(markdown);
if (reportPath is not null)
{
    await File.WriteAllTextAsync(reportPath, markdown);
}

return report.Passed ? 0 : 1;

static TimeSpan ParseDuration(string text) =>
    text.EndsWith('m') ? TimeSpan.FromMinutes(double.Parse(text[..^1], CultureInfo.InvariantCulture))
    : text.EndsWith('s') ? TimeSpan.FromSeconds(double.Parse(text[..^1], CultureInfo.InvariantCulture))
    : TimeSpan.Parse(text, CultureInfo.InvariantCulture);
