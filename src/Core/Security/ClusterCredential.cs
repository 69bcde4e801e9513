using System.Text;

namespace OrleansCache.Core.Security;

/// <summary>A key a connecting side proves it holds: the cluster's shared secret (empty key id) or a named client key.</summary>
internal sealed class ClusterCredential
{
    private ClusterCredential(string keyId, byte[] key)
    {
        KeyId = keyId;
        Key = key;
    }

    /// <summary>Empty for the cluster's shared secret; otherwise the id of a per-client key.</summary>
    public string KeyId { get; }

    /// <summary>The HMAC key: the secret's UTF-8 bytes.</summary>
    public byte[] Key { get; }

    /// <summary>A credential for <paramref name="secret"/>, or null when no secret is configured.</summary>
    public static ClusterCredential? From(string? secret, string? keyId) =>
        string.IsNullOrEmpty(secret) ? null : new ClusterCredential(keyId ?? string.Empty, Encoding.UTF8.GetBytes(secret));

    /// <summary>Never shows the key.</summary>
    public override string ToString() => KeyId.Length == 0 ? "shared secret" : $"client key '{KeyId}'";
}
