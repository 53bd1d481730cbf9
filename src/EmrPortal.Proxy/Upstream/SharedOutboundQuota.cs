using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using EmrPortal.Emr;
using EmrPortal.Emr.Signing;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace EmrPortal.Proxy.Upstream;

/// <summary>
/// The outbound quota of the whole deployment: one token bucket per (account, API) in Redis, shared by every proxy
/// instance, so N instances together stay within <c>UpstreamQuota:PermitsPerSecond</c>/<c>Burst</c> (the cloud's flow
/// control is per AccessKey, not per process). Each instance's own bucket (<see cref="OutboundQuota"/>) still applies
/// first; this one only adds the cross-instance bound. The bucket is GCRA (a token bucket stored as one "theoretical
/// arrival time"), updated with an optimistic transaction (WATCH-style condition), no Lua; the time is the Redis
/// server's, so instances with skewed clocks agree. If Redis cannot be reached, calls fall back to the local bucket
/// alone (logged) rather than failing: see docs/decisions.md#shared-outbound-quota.
/// </summary>
internal sealed partial class SharedOutboundQuota(
    IConnectionMultiplexer redis,
    IOptionsMonitor<UpstreamQuotaOptions> options,
    ILogger<SharedOutboundQuota> logger)
{
    /// <summary>A call waits at most this long for the shared bucket; beyond it the call is refused as over quota.</summary>
    public static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(30);

    private const int MaxConflicts = 32;

    /// <summary>Takes one token for (account, action), waiting for it when the bucket is empty.</summary>
    /// <exception cref="UpstreamQuotaExceededException">No token within <see cref="MaxWait"/>.</exception>
    public async Task AcquireAsync(string account, string action, CancellationToken cancellationToken)
    {
        var waited = TimeSpan.Zero;
        while (true)
        {
            var wait = await TryTakeAsync(account, action);
            if (wait is null)
            {
                return;
            }

            if (waited + wait.Value > MaxWait)
            {
                throw new UpstreamQuotaExceededException(action, wait.Value);
            }

            await Task.Delay(wait.Value, cancellationToken);
            waited += wait.Value;
        }
    }

    /// <summary>Null when a token was taken; otherwise how long until one is free.</summary>
    internal async Task<TimeSpan?> TryTakeAsync(string account, string action)
    {
        var o = options.CurrentValue;
        var perSecond = o.PerApi.TryGetValue(action, out var specific) ? specific : o.PermitsPerSecond;
        var interval = (long)Math.Max(1, Math.Round(1_000_000 / perSecond)); // microseconds per token
        var tolerance = (Math.Max(1, o.Burst) - 1) * interval;
        var key = (RedisKey)Key(account, action);
        try
        {
            var db = redis.GetDatabase();
            for (var attempt = 0; attempt < MaxConflicts; attempt++)
            {
                var now = await ServerMicrosecondsAsync(db);
                var stored = await db.StringGetAsync(key);
                var tat = Math.Max(stored.HasValue ? (long)stored : now, now);
                if (tat - now > tolerance)
                {
                    return TimeSpan.FromMicroseconds(tat - now - tolerance);
                }

                var next = tat + interval;
                var transaction = db.CreateTransaction();
                transaction.AddCondition(stored.HasValue ? Condition.StringEqual(key, stored) : Condition.KeyNotExists(key));
                _ = transaction.StringSetAsync(key, next, TimeSpan.FromMicroseconds(next - now) + TimeSpan.FromSeconds(1));
                if (await transaction.ExecuteAsync())
                {
                    return null;
                }
            }

            // Heavy contention: try again after about one token's time.
            return TimeSpan.FromMicroseconds(interval);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            LogSharedQuotaUnavailable(logger, action, e.GetType().Name);
            return null;
        }
    }

    private static async Task<long> ServerMicrosecondsAsync(IDatabase db)
    {
        var time = (RedisResult[])(await db.ExecuteAsync("TIME"))!;
        return long.Parse((string)time[0]!, CultureInfo.InvariantCulture) * 1_000_000 + long.Parse((string)time[1]!, CultureInfo.InvariantCulture);
    }

    /// <summary>The account appears hashed: an AccessKey id is not for Redis's keyspace.</summary>
    private static string Key(string account, string action)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(account)))[..16];
        return $"emrportal:quota:{hash}:{action}";
    }

    [LoggerMessage(EventId = 3302, Level = LogLevel.Warning, Message = "Shared outbound quota unavailable ({Error}) for {Action}; only this instance's bucket applies")]
    private static partial void LogSharedQuotaUnavailable(ILogger logger, string action, string error);
}

/// <summary>
/// Takes a token from the deployment-wide bucket before a cloud call leaves the process. Registered only when Redis is
/// configured, innermost in the EMR client's pipeline (after this instance's own quota handler), so every attempt pays.
/// </summary>
internal sealed class SharedOutboundQuotaHandler(SharedOutboundQuota quota, IOptionsMonitor<EmrClientOptions> emrOptions) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var action = request.Options.TryGetValue(Acs3SigningHandler.ActionOption, out var named) ? named
            : request.Headers.TryGetValues(OutboundQuotaHandler.ActionHeader, out var values) ? values.FirstOrDefault() ?? "Unknown"
            : OutboundQuotaHandler.ActionFromPath(request);
        await quota.AcquireAsync(emrOptions.CurrentValue.AccessKeyId ?? "", action, cancellationToken);
        return await base.SendAsync(request, cancellationToken);
    }
}
