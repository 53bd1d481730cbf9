using Microsoft.Extensions.Options;

namespace EmrPortal.Emr.Extensions;

/// <summary>Rules DataAnnotations cannot express. Messages name the setting and never echo its value.</summary>
internal sealed class EmrClientOptionsValidator : IValidateOptions<EmrClientOptions>
{
    public ValidateOptionsResult Validate(string? name, EmrClientOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Endpoint) && string.IsNullOrWhiteSpace(options.RegionId))
        {
            failures.Add("Set Emr:Endpoint (host name or http(s) URL) or Emr:RegionId (e.g. cn-hangzhou).");
        }
        else if (!options.TryGetEndpointUri(out _))
        {
            failures.Add(string.IsNullOrWhiteSpace(options.Endpoint)
                ? "The setting Emr:RegionId does not form a valid endpoint host name."
                : "The setting Emr:Endpoint is not a valid host name or http(s) URL (user info is not allowed).");
        }

        if (options.Scheme is not ("https" or "http"))
        {
            failures.Add("The setting Emr:Scheme must be 'https' or 'http'.");
        }

        if (options.AttemptTimeout <= TimeSpan.Zero || options.TotalTimeout <= TimeSpan.Zero || options.AttemptTimeout > options.TotalTimeout)
        {
            failures.Add("The settings Emr:AttemptTimeout and Emr:TotalTimeout must be positive, with AttemptTimeout ≤ TotalTimeout.");
        }

        if (options.RetryBaseDelay <= TimeSpan.Zero || options.RetryMaxDelay < options.RetryBaseDelay)
        {
            failures.Add("The settings Emr:RetryBaseDelay and Emr:RetryMaxDelay must be positive, with RetryBaseDelay ≤ RetryMaxDelay.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
