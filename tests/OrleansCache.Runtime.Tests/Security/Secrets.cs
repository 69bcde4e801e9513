using System.Security.Cryptography;

namespace OrleansCache.Runtime.Tests.Security;

/// <summary>Fresh secrets for one test, long enough for the validators.</summary>
internal static class Secrets
{
    public static string New() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
}
