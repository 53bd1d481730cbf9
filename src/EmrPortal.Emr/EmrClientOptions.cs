using System.ComponentModel.DataAnnotations;

namespace EmrPortal.Emr;

/// <summary>
/// Settings of the EMR Serverless Spark client, bound from the <c>Emr</c> configuration section. Credentials are
/// re-read on every request through <c>IOptionsMonitor</c>, so rotated STS credentials apply without a restart.
/// </summary>
public sealed class EmrClientOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "Emr";

    /// <summary>Region, e.g. <c>cn-hangzhou</c>; selects the endpoint when <see cref="Endpoint"/> is not set.</summary>
    public string? RegionId { get; set; }

    /// <summary>
    /// Endpoint host (<c>emr-serverless-spark.cn-hangzhou.aliyuncs.com</c>) or absolute URL (<c>http://localhost:5180</c>).
    /// The client sends to this host only.
    /// </summary>
    public string? Endpoint { get; set; }

    /// <summary>Scheme used when <see cref="Endpoint"/> is a bare host; <c>https</c> by default.</summary>
    public string Scheme { get; set; } = "https";

    /// <summary>AccessKey id (or the STS AccessKey id).</summary>
    [Required(ErrorMessage = "The setting Emr:AccessKeyId is required (e.g. environment variable Emr__AccessKeyId).")]
    public string? AccessKeyId { get; set; }

    /// <summary>AccessKey secret. Never logged, never shown.</summary>
    [Required(ErrorMessage = "The setting Emr:AccessKeySecret is required (e.g. environment variable Emr__AccessKeySecret or a user secret).")]
    public string? AccessKeySecret { get; set; }

    /// <summary>STS security token, when the credentials are temporary. Never logged, never shown.</summary>
    public string? SecurityToken { get; set; }

    /// <summary>Attempts per call, the first included (1 disables retries).</summary>
    [Range(1, 10, ErrorMessage = "The setting Emr:MaxAttempts must be between 1 and 10.")]
    public int MaxAttempts { get; set; } = 4;

    /// <summary>Base delay of the jittered exponential backoff.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Cap of one computed backoff delay. A server's <c>x-acs-retry-after</c> is honoured as given (the total timeout still bounds it).</summary>
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Timeout of one attempt.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Timeout of a whole call, retries and delays included.</summary>
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Page size the pager asks for when the request sets none (the emulator caps it at 100).</summary>
    [Range(1, 1000, ErrorMessage = "The setting Emr:PageSize must be between 1 and 1000.")]
    public int PageSize { get; set; } = 100;

    /// <summary>Runaway guard: the pager stops with an error after this many pages.</summary>
    [Range(1, 1_000_000, ErrorMessage = "The setting Emr:MaxPages must be between 1 and 1000000.")]
    public int MaxPages { get; set; } = 1000;

    /// <summary>The absolute endpoint URI (scheme, host and port) derived from <see cref="Endpoint"/> or <see cref="RegionId"/>.</summary>
    /// <exception cref="InvalidOperationException">Neither setting yields a valid http(s) URI.</exception>
    public Uri GetEndpointUri() =>
        TryGetEndpointUri(out var uri)
            ? uri
            : throw new InvalidOperationException("The settings Emr:Endpoint or Emr:RegionId do not form a valid http(s) endpoint.");

    internal bool TryGetEndpointUri(out Uri uri)
    {
        uri = null!;
        var endpoint = Endpoint?.Trim();
        if (string.IsNullOrEmpty(endpoint))
        {
            if (string.IsNullOrWhiteSpace(RegionId))
            {
                return false;
            }

            endpoint = $"emr-serverless-spark.{RegionId.Trim()}.aliyuncs.com";
        }

        var text = endpoint.Contains("://", StringComparison.Ordinal) ? endpoint : $"{Scheme}://{endpoint}";
        if (!Uri.TryCreate(text, UriKind.Absolute, out var parsed)
            || (parsed.Scheme != Uri.UriSchemeHttps && parsed.Scheme != Uri.UriSchemeHttp)
            || !string.IsNullOrEmpty(parsed.UserInfo))
        {
            return false;
        }

        uri = new Uri(parsed.GetLeftPart(UriPartial.Authority) + "/");
        return true;
    }

    /// <summary>A summary without credentials (the secret and token are never printed).</summary>
    public override string ToString() =>
        $"EmrClientOptions {{ Endpoint = {Endpoint ?? "(from region)"}, RegionId = {RegionId}, AccessKeyId = {(string.IsNullOrEmpty(AccessKeyId) ? "(none)" : "(set)")}, Sts = {!string.IsNullOrEmpty(SecurityToken)} }}";
}
