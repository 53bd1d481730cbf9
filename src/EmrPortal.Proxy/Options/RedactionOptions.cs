namespace EmrPortal.Proxy;

/// <summary>Which <c>applicationConfigs</c> keys hide their value (<c>Redaction</c> section).</summary>
public sealed class RedactionOptions
{
    public const string SectionName = "Redaction";

    /// <summary>
    /// Words that mark a key as secret. A key is split into words at '.', '_', '-', ' ' and camelCase boundaries
    /// (<c>spark.hadoop.fs.oss.accessKeySecret</c> → spark, hadoop, fs, oss, access, key, secret); a pattern matches
    /// when its own words appear consecutively, case-insensitively. So <c>key</c> hides <c>accessKeyId</c> but not
    /// <c>monkey</c>. Configured values replace the defaults.
    /// </summary>
    public List<string> KeyPatterns { get; set; } = [];

    /// <summary>
    /// Patterns of six or more letters also match inside a run-together segment (<c>DBPASSWORD</c>, <c>sfpassword</c>,
    /// <c>apikey</c>, <c>accesskeysecret</c>), so compound names are listed as words (<c>api key</c>) to get that.
    /// </summary>
    public static readonly IReadOnlyList<string> DefaultKeyPatterns =
    [
        "password", "passwords", "passwd", "pwd", "passphrase", "secret", "secrets", "token", "tokens", "key", "keys",
        "keytab", "credential", "credentials", "private", "signature", "jaas", "sas", "auth", "authorization", "cookie",
        "pat", "sig", "api key", "apikey", "access key", "secret key", "client secret", "private key", "auth token",
        "access token", "refresh token", "session token", "security token", "bearer", "connection string",
    ];

    /// <summary>
    /// Words that, right after a pattern, make the key describe a secret rather than hold one
    /// (<c>spark.ssl.keyStoreType</c>, <c>spark.io.encryption.keySizeBits</c>, <c>fs.oss.credentials.provider</c>,
    /// <c>es.net.http.auth.user</c>). Configured values replace the defaults.
    /// </summary>
    public List<string> DescriptorWords { get; set; } = [];

    public static readonly IReadOnlyList<string> DefaultDescriptorWords =
    [
        "type", "types", "size", "bits", "length", "algorithm", "algorithms", "provider", "providers", "class", "enabled",
        "enable", "store", "path", "file", "dir", "location", "alias", "count", "interval", "timeout", "mode", "format",
        "version", "manager", "factory", "expiry", "ttl", "name", "names", "required", "generator", "user", "username",
        "principal", "method", "mechanism", "scheme", "protocol", "endpoint", "uri", "url",
    ];
}
