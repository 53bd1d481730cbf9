using System.ComponentModel.DataAnnotations;

namespace EmrPortal.Emulator.Options;

/// <summary>Section <c>Emulator</c>: region, accepted keys and the gateway's checks.</summary>
public sealed class EmulatorOptions : IValidatableObject
{
    public const string SectionName = "Emulator";

    /// <summary>The region this "endpoint" serves; appears in workspaces, queues and host names.</summary>
    [Required, RegularExpression("^[a-z0-9-]{2,32}$")]
    public string RegionId { get; set; } = "cn-hangzhou";

    /// <summary>Accepted AccessKey pairs (index 0 is the documented demo key in appsettings.json).</summary>
    public List<AccessKeyOptions> AccessKeys { get; set; } = [];

    /// <summary>Allowed distance between <c>x-acs-date</c> and the emulator's clock (the cloud uses 15 min).</summary>
    [Range(1, 1440)]
    public int MaxClockSkewMinutes { get; set; } = 15;

    /// <summary>Upper bound of the nonce-replay memory; beyond it requests are refused rather than left unprotected.</summary>
    [Range(1_000, 10_000_000)]
    public int MaxRememberedNonces { get; set; } = 1_000_000;

    [Range(1, 10_080)]
    public int PageTokenLifetimeMinutes { get; set; } = 60;

    /// <summary>
    /// Optional base64 key (≥ 32 bytes) for nextToken MACs. Without it a random key is made per process, so tokens
    /// from another emulator instance are foreign, as they would be in the cloud.
    /// </summary>
    public string? PageTokenKey { get; set; }

    /// <summary>Seconds a started session stays <c>Starting</c> before it is <c>Running</c>.</summary>
    [Range(0, 3600)]
    public double StartSeconds { get; set; } = 8;

    /// <summary>Seconds a stopped session stays <c>Stopping</c> before it is <c>Stopped</c>.</summary>
    [Range(0, 3600)]
    public double StopSeconds { get; set; } = 4;

    [Range(1_024, 10_485_760)]
    public int MaxBodyBytes { get; set; } = 65_536;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (AccessKeys.Count == 0)
        {
            yield return new ValidationResult("Emulator:AccessKeys needs at least one key.", [nameof(AccessKeys)]);
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < AccessKeys.Count; i++)
        {
            var key = AccessKeys[i];
            if (string.IsNullOrWhiteSpace(key.AccessKeyId) || string.IsNullOrEmpty(key.AccessKeySecret))
            {
                yield return new ValidationResult($"Emulator:AccessKeys:{i} needs AccessKeyId and AccessKeySecret.", [nameof(AccessKeys)]);
            }
            else if (!seen.Add(key.AccessKeyId))
            {
                yield return new ValidationResult($"Emulator:AccessKeys:{i} repeats AccessKeyId {key.AccessKeyId}.", [nameof(AccessKeys)]);
            }
        }

        if (PageTokenKey is { Length: > 0 } encoded)
        {
            var valid = true;
            try
            {
                valid = Convert.FromBase64String(encoded).Length >= 32;
            }
            catch (FormatException)
            {
                valid = false;
            }

            if (!valid)
            {
                yield return new ValidationResult("Emulator:PageTokenKey must be base64 of at least 32 bytes.", [nameof(PageTokenKey)]);
            }
        }
    }
}

/// <summary>One accepted key. With <see cref="SecurityToken"/> set it behaves like an STS key: requests must carry the token.</summary>
public sealed class AccessKeyOptions
{
    public string AccessKeyId { get; set; } = "";

    public string AccessKeySecret { get; set; } = "";

    public string? SecurityToken { get; set; }

    /// <summary>When set, the STS token is refused as expired from this instant on.</summary>
    public DateTimeOffset? SecurityTokenExpiresAt { get; set; }

    /// <summary>A disabled key is refused with <c>InvalidAccessKeyId.Inactive</c>.</summary>
    public bool Disabled { get; set; }

    /// <summary>
    /// A RAM-like policy: workspaces this key has not been granted. Calls about them answer 403 <c>NoPermission</c>
    /// while every other workspace works (ListWorkspaces still lists them). <c>PUT /admin/ram</c> changes it at run time.
    /// </summary>
    public List<string> DeniedWorkspaces { get; set; } = [];
}
