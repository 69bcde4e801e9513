namespace OrleansCache.TestSupport.Processes;

/// <summary>How a built program's run ended: its exit code, and what it printed on stdout and stderr.</summary>
public sealed record BuiltProgramResult(int ExitCode, string Output, string Errors);
