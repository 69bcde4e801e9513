namespace OrleansCache.Packaging.Tests.Infrastructure;

/// <summary>How a process ended: its exit code and everything it printed (stdout and stderr, in order of arrival).</summary>
internal sealed record DotnetResult(string CommandLine, int ExitCode, string Output)
{
    /// <summary>Throws with the command and its output unless it exited with 0.</summary>
    public DotnetResult EnsureSucceeded()
    {
        if (ExitCode != 0)
        {
            throw new InvalidOperationException($"'{CommandLine}' exited with {ExitCode}:\n{Output}");
        }

        return this;
    }
}
