using System.Collections.Concurrent;
using System.Security.Cryptography;
using EmrPortal.Web.Options;
using Microsoft.Extensions.Options;
using Microsoft.Identity.Client;
using Microsoft.Identity.Web;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace EmrPortal.Web.Services;

/// <summary>The bearer token for the proxy, for the user of the current scope (circuit or request).</summary>
public interface IProxyTokenSource
{
    /// <exception cref="SignInRequiredException">The user must sign in (again) before a token can be had.</exception>
    ValueTask<string> GetAccessTokenAsync(CancellationToken cancellationToken);
}

/// <summary>No token can be obtained without the user interacting (expired session, consent, revoked demo user).</summary>
public sealed class SignInRequiredException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>Entra mode: MSAL's token for the proxy scope, for the circuit's user (not HttpContext, which a circuit lacks).</summary>
public sealed class EntraProxyTokenSource(
    ITokenAcquisition tokenAcquisition,
    ICircuitUserAccessor userAccessor,
    PortalSessionStore sessions,
    IOptions<ProxyOptions> proxyOptions) : IProxyTokenSource
{
    public async ValueTask<string> GetAccessTokenAsync(CancellationToken cancellationToken)
    {
        var user = userAccessor.User;
        if (user.Identity?.IsAuthenticated != true) throw new SignInRequiredException("Not signed in.");
        if (!await sessions.IsLiveAsync(PortalSessionStore.SessionIdOf(user), cancellationToken))
            throw new SignInRequiredException("The sign-in session has ended.");
        try
        {
            return await tokenAcquisition.GetAccessTokenForUserAsync(
                proxyOptions.Value.Scopes, user: user,
                tokenAcquisitionOptions: new TokenAcquisitionOptions { CancellationToken = cancellationToken });
        }
        catch (MicrosoftIdentityWebChallengeUserException ex)
        {
            throw new SignInRequiredException("Entra ID needs the user to sign in again.", ex);
        }
        catch (MsalUiRequiredException ex)
        {
            throw new SignInRequiredException("Entra ID needs the user to sign in again.", ex);
        }
    }
}

/// <summary>Demo mode: the circuit user's demo token, minted by <see cref="DemoTokenIssuer"/> only for a live sign-in session.</summary>
public sealed class DemoProxyTokenSource(DemoTokenIssuer issuer, ICircuitUserAccessor userAccessor, PortalSessionStore sessions) : IProxyTokenSource
{
    public async ValueTask<string> GetAccessTokenAsync(CancellationToken cancellationToken)
    {
        var user = DemoUsers.Find(userAccessor.User.UserId())
            ?? throw new SignInRequiredException("Not signed in as a demo user.");
        if (!await sessions.IsLiveAsync(PortalSessionStore.SessionIdOf(userAccessor.User), cancellationToken))
            throw new SignInRequiredException("The sign-in session has ended.");
        return issuer.GetToken(user);
    }
}

/// <summary>
/// Mints the ES256 JWTs the proxy accepts in demo mode (issuer, audience, <c>scp</c>, <c>oid</c>/<c>sub</c>, <c>name</c>,
/// <c>roles</c>, <c>groups</c>). Tokens are cached per user and re-minted a minute before they expire.
/// </summary>
public sealed class DemoTokenIssuer : IDisposable
{
    private static readonly TimeSpan RenewBefore = TimeSpan.FromMinutes(1);
    private readonly ECDsa _key;
    private readonly SigningCredentials _credentials;
    private readonly DemoAuthenticationOptions _options;
    private readonly TimeProvider _time;
    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false };
    private readonly ConcurrentDictionary<string, (string Token, DateTimeOffset Expires)> _cache = new(StringComparer.Ordinal);

    public DemoTokenIssuer(IOptions<PortalAuthenticationOptions> options, TimeProvider time)
    {
        _options = options.Value.Demo;
        _time = time;
        if (string.IsNullOrWhiteSpace(_options.PrivateKeyPem))
            throw new InvalidOperationException("Authentication:Demo:PrivateKeyPem is required in demo mode.");
        _key = ECDsa.Create();
        try
        {
            _key.ImportFromPem(_options.PrivateKeyPem);
        }
        catch (ArgumentException ex)
        {
            // The message must not echo the key material.
            throw new InvalidOperationException("Authentication:Demo:PrivateKeyPem is not a valid EC private key PEM.", ex);
        }
        if (_key.KeySize != 256)
            throw new InvalidOperationException("Authentication:Demo:PrivateKeyPem must be a P-256 key (ES256).");
        _credentials = new SigningCredentials(new ECDsaSecurityKey(_key), SecurityAlgorithms.EcdsaSha256);
    }

    public string GetToken(DemoUser user)
    {
        var now = _time.GetUtcNow();
        if (_cache.TryGetValue(user.Id, out var cached) && cached.Expires - RenewBefore > now) return cached.Token;

        var expires = now + _options.TokenLifetime;
        var token = _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = _options.Issuer,
            Audience = _options.Audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = expires.UtcDateTime,
            SigningCredentials = _credentials,
            Claims = new Dictionary<string, object>(StringComparer.Ordinal)
            {
                [PortalClaims.Scope] = "access_as_user",
                [PortalClaims.ObjectId] = user.Id,
                [PortalClaims.Subject] = user.Id,
                [PortalClaims.Name] = user.Name,
                [PortalClaims.Roles] = user.Roles.ToArray(),
                [PortalClaims.Groups] = user.Groups.ToArray(),
            },
        });
        _cache[user.Id] = (token, expires);
        return token;
    }

    public void Dispose() => _key.Dispose();
}
