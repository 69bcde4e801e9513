using System.Runtime.InteropServices;
using OrleansCache.Cli;

// Ctrl+C (SIGINT) and SIGTERM cancel the running command: watch ends on them with exit code 0, other commands with
// 130. A second signal is left to the runtime, which ends the process at once.
using var cancellation = new CancellationTokenSource();
void OnSignal(PosixSignalContext context)
{
    if (!cancellation.IsCancellationRequested)
    {
        context.Cancel = true;
        cancellation.Cancel();
    }
}

using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);

var console = new CliConsole(Console.Out, Console.Error, ErrorIsTerminal: !Console.IsErrorRedirected, OutIsTerminal: !Console.IsOutputRedirected);
return await CliApp.RunAsync(args, console, cancellation.Token);
