using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Json;
using EmrPortal.Web.Options;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Options;

namespace EmrPortal.Web.Services;

/// <summary>
/// The server-side record of signed-in sessions, in the shared distributed cache (Redis when configured, so every
/// instance sees a sign-out; memory otherwise). The auth cookie carries only the session's random id
/// (<see cref="SessionIdClaim"/>); signing out removes the record, and a record past its idle or absolute timeout
/// counts as ended, so a copied cookie, an open tab or a token request outlives none of them.
/// </summary>
public sealed class PortalSessionStore(IDistributedCache cache, IOptions<PortalAuthenticationOptions> options, TimeProvider time)
{
    public const string SessionIdClaim = "emrportal_sid";
    private const string Prefix = "emrportal:web-session:";

    /// <summary>Activity is written back at most this often (a page load or circuit event every second need not write).</summary>
    private static readonly TimeSpan TouchEvery = TimeSpan.FromMinutes(1);

    public async Task<string> CreateAsync(string userId, CancellationToken cancellationToken)
    {
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        var now = time.GetUtcNow();
        await WriteAsync(id, new PortalSessionRecord(userId, now, now), cancellationToken);
        return id;
    }

    /// <summary>True while the session exists and is within its idle and absolute timeouts.</summary>
    public async Task<bool> IsLiveAsync(string? sessionId, CancellationToken cancellationToken) =>
        await ReadLiveAsync(sessionId, cancellationToken) is not null;

    public static string? SessionIdOf(ClaimsPrincipal? user) => user?.FindFirst(SessionIdClaim)?.Value;

    /// <summary>Records activity (the idle timeout counts from the last one); false when the session has ended.</summary>
    public async Task<bool> TouchAsync(string? sessionId, CancellationToken cancellationToken)
    {
        var record = await ReadLiveAsync(sessionId, cancellationToken);
        if (record is null)
        {
            return false;
        }

        var now = time.GetUtcNow();
        if (now - record.LastActiveAt >= TouchEvery)
        {
            await WriteAsync(sessionId!, record with { LastActiveAt = now }, cancellationToken);
        }

        return true;
    }

    public async Task RevokeAsync(string? sessionId, CancellationToken cancellationToken)
    {
        if (IsWellFormed(sessionId))
        {
            await cache.RemoveAsync(Prefix + sessionId, cancellationToken);
        }
    }

    private async Task<PortalSessionRecord?> ReadLiveAsync(string? sessionId, CancellationToken cancellationToken)
    {
        if (!IsWellFormed(sessionId))
        {
            return null;
        }

        var bytes = await cache.GetAsync(Prefix + sessionId, cancellationToken);
        if (bytes is null)
        {
            return null;
        }

        var record = JsonSerializer.Deserialize(bytes, PortalSessionJsonContext.Default.PortalSessionRecord);
        var now = time.GetUtcNow();
        var o = options.Value;
        if (record is null || now - record.LastActiveAt > o.IdleTimeout || now - record.SignedInAt > o.AbsoluteTimeout)
        {
            await cache.RemoveAsync(Prefix + sessionId, cancellationToken);
            return null;
        }

        return record;
    }

    private Task WriteAsync(string sessionId, PortalSessionRecord record, CancellationToken cancellationToken) =>
        cache.SetAsync(
            Prefix + sessionId,
            JsonSerializer.SerializeToUtf8Bytes(record, PortalSessionJsonContext.Default.PortalSessionRecord),
            // The store forgets it by itself once it can no longer be live (the checks above use the injected clock).
            new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = options.Value.AbsoluteTimeout },
            cancellationToken);

    private static bool IsWellFormed(string? sessionId) =>
        sessionId is { Length: 64 } && sessionId.All(char.IsAsciiHexDigitLower);
}

public sealed record PortalSessionRecord(string UserId, DateTimeOffset SignedInAt, DateTimeOffset LastActiveAt);

[System.Text.Json.Serialization.JsonSerializable(typeof(PortalSessionRecord))]
internal sealed partial class PortalSessionJsonContext : System.Text.Json.Serialization.JsonSerializerContext;

/// <summary>Set on a circuit when its sign-in session ended (sign-out elsewhere, timeout): the UI goes to the signed-out page.</summary>
public sealed class SessionEndState
{
    public bool Ended { get; set; }
}

/// <summary>
/// Interaction inside an open circuit is activity too (a user clicking through the portal makes no page loads): at
/// most once a minute it is written to the session record, so only a tab nobody touches runs into the idle timeout.
/// </summary>
public sealed class SessionActivityCircuitHandler(PortalSessionStore sessions, ICircuitUserAccessor user, TimeProvider time)
    : Microsoft.AspNetCore.Components.Server.Circuits.CircuitHandler
{
    private long _lastTouchTicks;

    public override Func<Microsoft.AspNetCore.Components.Server.Circuits.CircuitInboundActivityContext, Task> CreateInboundActivityHandler(
        Func<Microsoft.AspNetCore.Components.Server.Circuits.CircuitInboundActivityContext, Task> next) => async context =>
    {
        var now = time.GetUtcNow().UtcTicks;
        var last = Interlocked.Read(ref _lastTouchTicks);
        if (now - last >= TimeSpan.TicksPerMinute && Interlocked.CompareExchange(ref _lastTouchTicks, now, last) == last)
        {
            _ = sessions.TouchAsync(PortalSessionStore.SessionIdOf(user.User), CancellationToken.None)
                .ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        }

        await next(context);
    };
}
