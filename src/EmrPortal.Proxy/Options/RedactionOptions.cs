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

    public static readonly IReadOnlyList<string> DefaultKeyPatterns =
    [
        "password", "passwords", "passwd", "pwd", "passphrase", "secret", "secrets", "token", "tokens", "key", "keys",
        "keytab", "credential", "credentials", "private", "signature", "jaas", "sas", "auth", "authorization", "cookie",
    ];
}
