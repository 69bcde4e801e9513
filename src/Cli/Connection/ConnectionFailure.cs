namespace OrleansCache.Cli.Connection;

/// <summary>Says in one line why a connection failed: the outermost message and, if it adds something, the root cause.</summary>
internal static class ConnectionFailure
{
    public static string Describe(Exception exception)
    {
        var outer = Message(exception);
        var root = exception;
        while (root.InnerException is not null)
        {
            root = root.InnerException;
        }

        var cause = Message(root);
        return ReferenceEquals(root, exception) || outer.Contains(cause, StringComparison.Ordinal) ? outer : $"{outer}: {cause}";
    }

    private static string Message(Exception exception) => exception.Message.TrimEnd('.', ' ');
}
