using OrleansCache.Core.Protocol;

namespace OrleansCache.Runtime.Activation;

/// <summary>Builds failure responses.</summary>
internal static class Failures
{
    public static Response Application(Exception exception) => Of(FailureKind.Application, exception.Message, exception.GetType().FullName);

    public static Response Timeout(string message) => Of(FailureKind.Timeout, message);

    public static Response BadRequest(string message) => Of(FailureKind.BadRequest, message);

    public static Response Overloaded(string message) => Of(FailureKind.Overloaded, message);

    public static Response Unavailable(string message) => Of(FailureKind.Unavailable, message);

    public static Response UnknownGrainType(string message) => Of(FailureKind.UnknownGrainType, message);

    public static Response UnknownMethod(string message) => Of(FailureKind.UnknownMethod, message);

    private static Response Of(FailureKind kind, string message, string? exceptionType = null) => new()
    {
        Failure = new Failure { Kind = kind, Message = message, ExceptionType = exceptionType ?? string.Empty },
    };
}
