using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;

namespace EmrPortal.DevIdentityProvider;

/// <summary>An issued authorization code (single use, 5 minutes).</summary>
public sealed record AuthorizationCode(
    string UserKey, string TenantId, string ClientId, string RedirectUri, string? Nonce, string? CodeChallenge, DateTimeOffset Expires);

/// <summary>An issued refresh token.</summary>
public sealed record RefreshGrant(string UserKey, string TenantId, string ClientId, DateTimeOffset Expires)
{
    public bool Revoked { get; set; }
}

/// <summary>A browser's signed-in session at the provider (what makes a second sign-in silent).</summary>
public sealed record BrowserSession(string UserKey, string TenantId);

/// <summary>Per-user counters the tests read through the admin API.</summary>
public sealed class UserStats
{
    private int _codeRedemptions;
    private int _refreshGrants;
    private int _refreshRefusals;
    private int _signIns;
    private int _signOuts;
    private long _lastTokenIssuedAt;

    public int CodeRedemptions => _codeRedemptions;

    public int RefreshGrants => _refreshGrants;

    public int RefreshRefusals => _refreshRefusals;

    public int SignIns => _signIns;

    public int SignOuts => _signOuts;

    /// <summary>When the token endpoint last issued this user an access token (Unix seconds; 0: never).</summary>
    public long LastTokenIssuedAt => Interlocked.Read(ref _lastTokenIssuedAt);

    internal void TokenIssued(DateTimeOffset at) => Interlocked.Exchange(ref _lastTokenIssuedAt, at.ToUnixTimeSeconds());

    internal void CodeRedeemed() => Interlocked.Increment(ref _codeRedemptions);

    internal void Refreshed() => Interlocked.Increment(ref _refreshGrants);

    internal void RefreshRefused() => Interlocked.Increment(ref _refreshRefusals);

    internal void SignedIn() => Interlocked.Increment(ref _signIns);

    internal void SignedOut() => Interlocked.Increment(ref _signOuts);
}

/// <summary>Codes, refresh tokens and browser sessions, in memory (a development provider keeps nothing on disk).</summary>
public sealed class ProviderState(IOptions<ProviderOptions> options, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, AuthorizationCode> _codes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, RefreshGrant> _refreshTokens = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, BrowserSession> _sessions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, UserStats> _stats = new(StringComparer.Ordinal);

    public ProviderOptions Options => options.Value;

    public DateTimeOffset Now => time.GetUtcNow();

    public ProviderUser? FindUser(string? key) =>
        key is null ? null : Options.Users.FirstOrDefault(u => string.Equals(u.Key, key, StringComparison.Ordinal));

    public string TenantOf(ProviderUser user) => string.IsNullOrEmpty(user.TenantId) ? Options.TenantId : user.TenantId;

    public UserStats Stats(string userKey) => _stats.GetOrAdd(userKey, _ => new UserStats());

    public IReadOnlyDictionary<string, UserStats> AllStats => _stats;

    public string IssueCode(AuthorizationCode code)
    {
        var value = NewHandle();
        _codes[value] = code;
        return value;
    }

    /// <summary>Takes the code out (a code is single use, even when the redemption then fails).</summary>
    public AuthorizationCode? RedeemCode(string? value) =>
        value is not null && _codes.TryRemove(value, out var code) && code.Expires > Now ? code : null;

    public string IssueRefreshToken(string userKey, string tenantId, string clientId)
    {
        var value = NewHandle();
        _refreshTokens[value] = new RefreshGrant(userKey, tenantId, clientId, Now + Options.RefreshTokenLifetime);
        return value;
    }

    public RefreshGrant? FindRefreshToken(string? value) =>
        value is not null && _refreshTokens.TryGetValue(value, out var grant) && !grant.Revoked && grant.Expires > Now ? grant : null;

    /// <summary>The user a refresh token was issued to, revoked or not (for the statistics only).</summary>
    public string? OwnerOf(string? value) =>
        value is not null && _refreshTokens.TryGetValue(value, out var grant) ? grant.UserKey : null;

    /// <summary>Revokes every refresh token and ends every browser session of the user (Entra's "revoke sessions").</summary>
    public int Revoke(string userKey)
    {
        var revoked = 0;
        foreach (var grant in _refreshTokens.Values.Where(g => g.UserKey == userKey && !g.Revoked))
        {
            grant.Revoked = true;
            revoked++;
        }

        foreach (var (id, _) in _sessions.Where(s => s.Value.UserKey == userKey))
        {
            _sessions.TryRemove(id, out _);
        }

        return revoked;
    }

    public string StartSession(BrowserSession session)
    {
        var id = NewHandle();
        _sessions[id] = session;
        return id;
    }

    public BrowserSession? FindSession(string? id) => id is not null && _sessions.TryGetValue(id, out var s) ? s : null;

    public BrowserSession? EndSession(string? id) => id is not null && _sessions.TryRemove(id, out var s) ? s : null;

    public int ActiveSessions(string userKey) => _sessions.Values.Count(s => s.UserKey == userKey);

    private static string NewHandle() => TokenSigner.Base64Url(RandomNumberGenerator.GetBytes(32));
}
