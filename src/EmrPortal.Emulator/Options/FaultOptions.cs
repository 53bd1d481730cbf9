using System.ComponentModel.DataAnnotations;

namespace EmrPortal.Emulator.Options;

/// <summary>Section <c>Emulator:Faults</c>: the faults in force at start; <c>PUT /admin/faults</c> changes them at run time.</summary>
public sealed class FaultOptions : IValidatableObject
{
    public const string SectionName = "Emulator:Faults";

    public LatencyOptions Latency { get; set; } = new();

    /// <summary>Fraction (0..1) of admitted requests answered with a server error instead.</summary>
    [Range(0.0, 1.0)]
    public double ErrorRate { get; set; }

    /// <summary>Statuses an injected error picks from (500 InternalError, 503 ServiceUnavailable). Empty means both.</summary>
    public List<int> ErrorStatusCodes { get; set; } = [];

    public ThrottlingOptions Throttling { get; set; } = new();

    /// <summary>Every otherwise valid key is refused as inactive (a rotated or revoked credential).</summary>
    public bool CredentialsRevoked { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var nested in new object[] { Latency, Throttling })
        {
            var results = new List<ValidationResult>();
            if (!Validator.TryValidateObject(nested, new ValidationContext(nested), results, validateAllProperties: true))
            {
                foreach (var result in results)
                {
                    yield return result;
                }
            }
        }

        if (ErrorStatusCodes.Any(code => code is not (500 or 503)))
        {
            yield return new ValidationResult("Emulator:Faults:ErrorStatusCodes may hold only 500 and 503.", [nameof(ErrorStatusCodes)]);
        }
    }
}

public sealed class LatencyOptions
{
    [Range(0, 60_000)]
    public int FixedMs { get; set; }

    [Range(0, 60_000)]
    public int JitterMs { get; set; }
}

/// <summary>Token bucket per (AccessKeyId, action). On by default so a client's quota handling is always exercised.</summary>
public sealed class ThrottlingOptions
{
    public bool Enabled { get; set; } = true;

    [Range(0.01, 100_000)]
    public double Qps { get; set; } = 50;

    [Range(1, 1_000_000)]
    public int Burst { get; set; } = 100;
}
