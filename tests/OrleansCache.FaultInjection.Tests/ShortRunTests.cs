using OrleansCache.FaultInjection.History;
using Xunit;

namespace OrleansCache.FaultInjection.Tests;

/// <summary>
/// The short fault-injection run of the suite (docs/reliability.md): 3 silo processes on Redis, 4 clients, every fault
/// kind twice, about two minutes; fails on any violation of docs/consistency.md and prints the report.
/// </summary>
public sealed class ShortRunTests
{
    [Fact]
    public async Task ShortRun_EveryFaultKindTwice_BreaksNoPromise()
    {
        var options = new FaultRunOptions
        {
            Duration = TimeSpan.FromSeconds(90),
            FaultRounds = 2,
            Log = line => TestContext.Current.SendDiagnosticMessage(line),
        };

        var report = await FaultRun.RunAsync(options, TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromMinutes(8), TestContext.Current.CancellationToken);

        var markdown = report.ToMarkdown();
        TestContext.Current.SendDiagnosticMessage(markdown);
        TestContext.Current.TestOutputHelper?.WriteLine(markdown);
        foreach (var kind in Enum.GetValues<FaultKind>().Where(k => k != FaultKind.SiloFailStop))
        {
            Assert.True(report.Kinds.SingleOrDefault(k => k.Kind == kind.ToString())?.Injected >= 2, $"{kind} was not injected twice.\n{markdown}");
        }

        Assert.True(report.Passed, markdown);
    }
}
