using OrleansCache.Cli;

// Ctrl+C cancels the running command (watch ends cleanly on it); a second Ctrl+C ends the process at once.
using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    if (!cancellation.IsCancellationRequested)
    {
        e.Cancel = true;
        cancellation.Cancel();
    }
};

var console = new CliConsole(Console.Out, Console.Error, ErrorIsTerminal: !Console.IsErrorRedirected);
return await CliApp.RunAsync(args, console, cancellation.Token);
