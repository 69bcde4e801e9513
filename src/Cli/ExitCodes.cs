namespace OrleansCache.Cli;

/// <summary>The tool's exit codes (documented in docs/cli.md; scripts depend on them).</summary>
internal static class ExitCodes
{
    /// <summary>The command did what was asked.</summary>
    public const int Ok = 0;

    /// <summary>The cluster is unreachable, or it refused or failed the operation.</summary>
    public const int Failed = 1;

    /// <summary>The command line is wrong: unknown command or option, missing or malformed argument.</summary>
    public const int Usage = 2;

    /// <summary><c>get</c>: the key has no value.</summary>
    public const int NotFound = 3;

    /// <summary>Interrupted by Ctrl+C before it finished (not for <c>watch</c>, which Ctrl+C ends normally).</summary>
    public const int Cancelled = 130;
}
