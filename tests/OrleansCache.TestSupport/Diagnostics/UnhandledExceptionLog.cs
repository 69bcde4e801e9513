namespace OrleansCache.TestSupport.Diagnostics;

/// <summary>
/// Writes every exception nobody handled (a timer's or a thread's) with its stack to standard error and to
/// <c>unhandled-exceptions.log</c> beside the test assembly, which <c>scripts/test.sh</c> prints after the run. xUnit
/// reports such an exception as a catastrophic failure with its message only, which does not say where it came from.
/// </summary>
public static class UnhandledExceptionLog
{
    private static int _registered;

    /// <summary>The file the exceptions are appended to.</summary>
    public static string FilePath { get; } = Path.Combine(AppContext.BaseDirectory, "unhandled-exceptions.log");

    /// <summary>Starts recording (once per process; later calls do nothing).</summary>
    public static void Register()
    {
        if (Interlocked.Exchange(ref _registered, 1) == 0)
        {
            // What an earlier run recorded is not this run's.
            File.Delete(FilePath);
            AppDomain.CurrentDomain.UnhandledException += (_, e) => Write(e.ExceptionObject, e.IsTerminating);
        }
    }

    private static void Write(object exception, bool terminating)
    {
        var text = $"{DateTime.UtcNow:O} unhandled exception (terminating: {terminating}):{Environment.NewLine}{exception}{Environment.NewLine}";
        try
        {
            Console.Error.WriteLine(text);
            File.AppendAllText(FilePath, text);
        }
        catch (IOException)
        {
            // Nowhere to write: xUnit still reports the exception's message.
        }
    }
}
