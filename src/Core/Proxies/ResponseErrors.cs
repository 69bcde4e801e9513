using Google.Protobuf;
using OrleansCache.Core.Protocol;

namespace OrleansCache.Core.Proxies;

/// <summary>Maps a silo's response to a result or to the typed exception the caller sees.</summary>
internal static class ResponseErrors
{
    public static ByteString ResultOrThrow(Response response, Request request)
    {
        if (response.Failure is null)
        {
            return response.Result;
        }

        throw ToException(response.Failure, request);
    }

    public static Exception ToException(Failure failure, Request request)
    {
        var where = $"{request.GrainType}/{request.GrainKey}.{request.Method}";
        return failure.Kind switch
        {
            FailureKind.Timeout => new GrainCallTimeoutException($"{where} timed out on the silo: {failure.Message}"),
            FailureKind.Unavailable => new ClusterUnavailableException($"{where} could not be served: {failure.Message}"),
            FailureKind.Application => new GrainCallException(GrainCallFailureKind.Application, $"{where} threw {failure.ExceptionType}: {failure.Message}", failure.ExceptionType),
            FailureKind.UnknownGrainType => new GrainCallException(GrainCallFailureKind.UnknownGrainType, $"{where}: {failure.Message}", null),
            FailureKind.UnknownMethod => new GrainCallException(GrainCallFailureKind.UnknownMethod, $"{where}: {failure.Message}", null),
            FailureKind.BadRequest => new GrainCallException(GrainCallFailureKind.BadRequest, $"{where}: {failure.Message}", null),
            FailureKind.Overloaded => new GrainCallException(GrainCallFailureKind.Overloaded, $"{where}: {failure.Message}", null),
            _ => new GrainCallException(GrainCallFailureKind.Unknown, $"{where}: {failure.Message}", null),
        };
    }
}
