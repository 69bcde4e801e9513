namespace OrleansCache.Core.Security;

/// <summary>What a secret must look like; shared by the client's and the silo's option validators.</summary>
internal static class SecretRules
{
    /// <summary>
    /// Without TLS a captured handshake lets an attacker test guesses offline, so a secret must be too long to guess:
    /// 32 characters, e.g. <c>openssl rand -base64 32</c> (44 characters).
    /// </summary>
    public const int MinimumLength = 32;

    /// <summary>The longest key id accepted; ids travel in every Hello and appear in logs.</summary>
    public const int MaximumKeyIdLength = 64;

    /// <summary>
    /// An error naming <paramref name="setting"/> (never showing the secret), or null when it is acceptable. An empty
    /// secret means none unless <paramref name="required"/>.
    /// </summary>
    public static string? Check(string setting, string? secret, bool required = false)
    {
        if (string.IsNullOrEmpty(secret) && !required)
        {
            return null;
        }

        secret ??= string.Empty;
        if (secret.Length < MinimumLength)
        {
            return $"{setting} is too short: it has {secret.Length} characters and needs at least {MinimumLength}; generate one with 'openssl rand -base64 32'.";
        }

        return string.IsNullOrWhiteSpace(secret) ? $"{setting} must not be blank." : null;
    }

    /// <summary>An error for a bad key id, or null.</summary>
    public static string? CheckKeyId(string setting, string? keyId)
    {
        if (keyId is null)
        {
            return null;
        }

        return keyId.Length is 0 or > MaximumKeyIdLength || keyId.Any(char.IsControl)
            ? $"{setting} '{keyId}' must have 1 to {MaximumKeyIdLength} printable characters."
            : null;
    }
}
