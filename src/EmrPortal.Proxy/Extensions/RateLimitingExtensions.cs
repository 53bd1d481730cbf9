using System.Globalization;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Threading.RateLimiting;
using EmrPortal.Proxy.Access;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using RedisRateLimiting;
using StackExchange.Redis;

namespace EmrPortal.Proxy.Extensions;

/// <summary>
/// Per-user request limit on the API (a token bucket per user id, in Redis when configured so that it holds across
/// instances) with a 429 ProblemDetails answer.
/// </summary>
public static class RateLimitingExtensions
{
    public const string PerUserPolicy = "per-user";

    public static IHostApplicationBuilder AddPerUserRateLimiting(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<UserRateLimitOptions>().BindConfiguration(UserRateLimitOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            // A policy object built once (options monitor and Redis multiplexer resolved once, limiter factories
            // allocated once); per request it only names the caller's partition.
            o.AddPolicy<string, PerUserRateLimiterPolicy>(PerUserPolicy);
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

    /// <summary>
    /// The Redis key of a user's bucket: namespaced, and a hash rather than the user id itself (keys are visible to
    /// whoever can list the shared Redis).
    /// </summary>
    internal static string RedisKeyFor(string partitionKey) =>
        "emrportal:ratelimit:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(partitionKey)), 0, 16);

    /// <summary>Authenticated callers by user id; anything else (should not reach the API) by remote address.</summary>
    internal static string PartitionKey(HttpContext http) =>
        http.User.Identity?.IsAuthenticated == true
            ? "u:" + Caller.Of(http).UserId
            : "ip:" + (http.Connection.RemoteIpAddress?.ToString() ?? "unknown");
}

/// <summary>
/// The per-user token bucket. With Redis configured (and reachable) the bucket is shared by every proxy instance, so a
/// user spread over N instances by the load balancer still gets one budget; otherwise (or while Redis is down) each
/// instance keeps its own. See docs/decisions.md#per-user-rate-limits-across-instances. Limits are read from the
/// options when a user's bucket is created.
/// </summary>
internal sealed class PerUserRateLimiterPolicy : IRateLimiterPolicy<string>
{
    private readonly IConnectionMultiplexer? _redis;
    private readonly Func<string, RateLimiter> _localBucket;
    private readonly Func<string, RedisTokenBucketRateLimiterOptions> _redisBucket;

    public PerUserRateLimiterPolicy(IOptionsMonitor<UserRateLimitOptions> options, IServiceProvider services)
    {
        _redis = services.GetService<IConnectionMultiplexer>();
        _localBucket = _ =>
        {
            var limits = options.CurrentValue;
            return new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
            {
                TokenLimit = limits.Burst,
                TokensPerPeriod = limits.PermitsPerSecond,
                ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                QueueLimit = 0,
                AutoReplenishment = true,
            });
        };
        var redis = _redis;
        _redisBucket = _ =>
        {
            var limits = options.CurrentValue;
            return new RedisTokenBucketRateLimiterOptions
            {
                ConnectionMultiplexerFactory = () => redis!,
                TokenLimit = limits.Burst,
                TokensPerPeriod = limits.PermitsPerSecond,
                ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            };
        };
    }

    /// <summary>Rejections are answered by the limiter's shared OnRejected (429 ProblemDetails with Retry-After).</summary>
    public Func<OnRejectedContext, CancellationToken, ValueTask>? OnRejected => null;

    public RateLimitPartition<string> GetPartition(HttpContext httpContext)
    {
        var key = RateLimitingExtensions.PartitionKey(httpContext);
        return _redis is { IsConnected: true }
            ? RedisRateLimitPartition.GetTokenBucketRateLimiter(RateLimitingExtensions.RedisKeyFor(key), _redisBucket)
            : new RateLimitPartition<string>(key, _localBucket);
    }
}
