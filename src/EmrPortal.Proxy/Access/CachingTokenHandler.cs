using System.Buffers;
using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.Tokens;

namespace EmrPortal.Proxy.Access;

/// <summary>
/// Remembers bearer tokens that passed full validation, so each token pays the signature check (an ECDSA/RSA verify:
/// most of a request's CPU) once, not on every request. What it keeps is safe to keep:
/// <list type="bullet">
/// <item>entries are keyed by the SHA-256 of the token (never the token itself): a token that differs in any byte —
/// a tampered signature or payload — is a different key and goes through full validation;</item>
/// <item>an entry is served only before the token's <c>exp</c> (by <paramref name="clock"/>: the system clock, as the
/// validator's lifetime check uses), and at most
/// <see cref="MaxEntryLifetime"/> after it was validated;</item>
/// <item>an entry is served only while the key that verified its signature is still among the keys the validator
/// trusts now (configured keys and the OpenID configuration's current keys): a rotated or removed signing key
/// invalidates every token it signed;</item>
/// <item>only successful validations are kept; the set is bounded (<see cref="Capacity"/>): when full, expired entries
/// are dropped and, if it is still full, everything is (the next request of each token validates it again).</item>
/// </list>
/// Every hit gets its own copy of the identity, so nothing a request does to its principal reaches another request.
/// See docs/decisions.md ("Validated-token cache").
/// </summary>
internal sealed class CachingTokenHandler(TokenHandler inner, TimeProvider clock, int capacity = CachingTokenHandler.DefaultCapacity) : TokenHandler
{
    public const int DefaultCapacity = 10_000;
    public static readonly TimeSpan MaxEntryLifetime = TimeSpan.FromHours(1);

    private readonly ConcurrentDictionary<TokenHash, Entry> _entries = new();

    public TokenHandler Inner => inner;

    public int Capacity => capacity;

    /// <summary>Entries held now (expired ones are dropped when met or when the set is full).</summary>
    public int Count => _entries.Count;

    public override int MaximumTokenSizeInBytes
    {
        get => inner.MaximumTokenSizeInBytes;
        set => inner.MaximumTokenSizeInBytes = value;
    }

    public override SecurityToken ReadToken(string token) => inner.ReadToken(token);

    public override Task<TokenValidationResult> ValidateTokenAsync(SecurityToken token, TokenValidationParameters validationParameters) =>
        inner.ValidateTokenAsync(token, validationParameters);

    public override async Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
    {
        ArgumentNullException.ThrowIfNull(validationParameters);
        if (string.IsNullOrEmpty(token) || token.Length > inner.MaximumTokenSizeInBytes)
        {
            return await inner.ValidateTokenAsync(token!, validationParameters);
        }

        var key = TokenHash.Of(token);
        if (_entries.TryGetValue(key, out var entry))
        {
            if (clock.GetUtcNow() < entry.ExpiresAt && await IsTrustedAsync(entry.SigningKey, validationParameters))
            {
                return entry.Result();
            }

            _entries.TryRemove(KeyValuePair.Create(key, entry));
        }

        var result = await inner.ValidateTokenAsync(token, validationParameters);
        if (result.IsValid && result.SecurityToken is { SigningKey: { } signingKey } validated && result.ClaimsIdentity is { } identity)
        {
            var now = clock.GetUtcNow();
            var expires = validated.ValidTo == DateTime.MinValue ? DateTimeOffset.MinValue : new DateTimeOffset(DateTime.SpecifyKind(validated.ValidTo, DateTimeKind.Utc));
            if (expires > now)
            {
                if (expires - now > MaxEntryLifetime)
                {
                    expires = now + MaxEntryLifetime;
                }

                // A copy: the caller's principal is built on result.ClaimsIdentity and may be changed by this request.
                Add(key, new Entry(expires, signingKey, validated, identity.Clone(), result.Issuer, result.TokenType), now);
            }
        }

        return result;
    }

    private void Add(TokenHash key, Entry entry, DateTimeOffset now)
    {
        if (_entries.Count >= capacity)
        {
            foreach (var (k, e) in _entries)
            {
                if (e.ExpiresAt <= now)
                {
                    _entries.TryRemove(KeyValuePair.Create(k, e));
                }
            }

            if (_entries.Count >= capacity)
            {
                _entries.Clear();
            }
        }

        _entries[key] = entry;
    }

    /// <summary>Is the key that verified the token still one the validator trusts (by reference: a refreshed key set is new objects)?</summary>
    private static async ValueTask<bool> IsTrustedAsync(SecurityKey signingKey, TokenValidationParameters p)
    {
        if (ReferenceEquals(p.IssuerSigningKey, signingKey) || Contains(p.IssuerSigningKeys, signingKey))
        {
            return true;
        }

        if (p.ConfigurationManager is { } configurationManager)
        {
            var configuration = await configurationManager.GetBaseConfigurationAsync(CancellationToken.None);
            return configuration is not null && Contains(configuration.SigningKeys, signingKey);
        }

        return false;
    }

    private static bool Contains(IEnumerable<SecurityKey>? keys, SecurityKey key)
    {
        if (keys is null)
        {
            return false;
        }

        foreach (var k in keys)
        {
            if (ReferenceEquals(k, key))
            {
                return true;
            }
        }

        return false;
    }

    private sealed record Entry(DateTimeOffset ExpiresAt, SecurityKey SigningKey, SecurityToken Token, System.Security.Claims.ClaimsIdentity Identity, string? Issuer, string? TokenType)
    {
        public TokenValidationResult Result() => new()
        {
            IsValid = true,
            SecurityToken = Token,
            ClaimsIdentity = Identity.Clone(),
            Issuer = Issuer,
            TokenType = TokenType,
        };
    }

    /// <summary>SHA-256 of the token's UTF-8 bytes, compared in full.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal readonly record struct TokenHash(ulong A, ulong B, ulong C, ulong D)
    {
        public static TokenHash Of(string token)
        {
            var max = Encoding.UTF8.GetMaxByteCount(token.Length);
            var rented = max > 8192 ? ArrayPool<byte>.Shared.Rent(max) : null;
            try
            {
                Span<byte> buffer = rented is null ? stackalloc byte[max] : rented;
                var length = Encoding.UTF8.GetBytes(token, buffer);
                Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
                SHA256.HashData(buffer[..length], hash);
                var words = MemoryMarshal.Cast<byte, ulong>(hash);
                return new TokenHash(words[0], words[1], words[2], words[3]);
            }
            finally
            {
                if (rented is not null)
                {
                    ArrayPool<byte>.Shared.Return(rented);
                }
            }
        }
    }
}
