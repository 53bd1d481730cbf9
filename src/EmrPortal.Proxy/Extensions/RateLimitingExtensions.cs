using System.Globalization;
using System.Security.Claims;
using System.Threading.RateLimiting;
using EmrPortal.Proxy.Access;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace EmrPortal.Proxy.Extensions;

/// <summary>Per-user request limit on the API (a token bucket per user id) with a 429 ProblemDetails answer.</summary>
public static class RateLimitingExtensions
{
    public const string PerUserPolicy = "per-user";

    public static IHostApplicationBuilder AddPerUserRateLimiting(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<UserRateLimitOptions>().BindConfiguration(UserRateLimitOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.AddPolicy(PerUserPolicy, http =>
            {
                var limits = http.RequestServices.GetRequiredService<IOptionsMonitor<UserRateLimitOptions>>().CurrentValue;
                return RateLimitPartition.GetTokenBucketLimiter(PartitionKey(http), _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = limits.Burst,
                    TokensPerPeriod = limits.PermitsPerSecond,
                    ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                    QueueLimit = 0,
                    AutoReplenishment = true,
                });
            });
            o.OnRejected = async (context, cancellationToken) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
                context.HttpContext.Response.Headers.RetryAfter =
                    Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                await context.HttpContext.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = context.HttpContext,
                    ProblemDetails = new ProblemDetails
                    {
                        Status = StatusCodes.Status429TooManyRequests,
                        Title = "Too Many Requests",
                        Detail = "Request rate limit reached; retry after the time in Retry-After.",
                    },
                });
            };
        });
        return builder;
    }

    /// <summary>Authenticated callers by user id; anything else (should not reach the API) by remote address.</summary>
    private static string PartitionKey(HttpContext http) =>
        http.User.Identity?.IsAuthenticated == true
            ? "u:" + Caller.Of(http).UserId
            : "ip:" + (http.Connection.RemoteIpAddress?.ToString() ?? "unknown");
}
