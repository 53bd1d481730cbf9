using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using EmrPortal.Emulator.Options;
using Microsoft.Extensions.Options;

namespace EmrPortal.Emulator.Data;

/// <summary>
/// Opaque, tamper-evident <c>nextToken</c>s: an offset and issue time, MAC'd (HMAC-SHA256, truncated to 128 bits)
/// together with the listing they belong to (operation, workspace, filters). A token edited, forged, taken from
/// another listing or another emulator instance, or older than the lifetime is refused as InvalidParameter.
/// </summary>
internal sealed class PageTokenCodec
{
    private const byte Version = 1;
    private const int PayloadLength = 1 + 4 + 8;
    private const int MacLength = 16;

    private readonly byte[] _key;
    private readonly TimeProvider _time;
    private readonly TimeSpan _lifetime;

    public PageTokenCodec(IOptions<EmulatorOptions> options, TimeProvider time)
    {
        _key = options.Value.PageTokenKey is { Length: > 0 } configured
            ? Convert.FromBase64String(configured)
            : RandomNumberGenerator.GetBytes(32);
        _time = time;
        _lifetime = TimeSpan.FromMinutes(options.Value.PageTokenLifetimeMinutes);
    }

    /// <summary>A binding that cannot be confused across values: each part is length-prefixed.</summary>
    public static string Binding(params string?[] parts) =>
        string.Concat(parts.Select(p => p is null ? "-1:" : $"{p.Length}:{p}"));

    public string Issue(string binding, int offset)
    {
        Span<byte> token = stackalloc byte[PayloadLength + MacLength];
        token[0] = Version;
        BinaryPrimitives.WriteInt32BigEndian(token[1..], offset);
        BinaryPrimitives.WriteInt64BigEndian(token[5..], _time.GetUtcNow().ToUnixTimeSeconds());
        Mac(token[..PayloadLength], binding).AsSpan(0, MacLength).CopyTo(token[PayloadLength..]);
        return Base64Url.EncodeToString(token);
    }

    public bool TryRead(string token, string binding, out int offset)
    {
        offset = 0;
        // Anything but a well-formed base64url string of the right size is simply not a token of ours.
        if (token.Length is 0 or > 64 || !token.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
        {
            return false;
        }

        Span<byte> bytes = stackalloc byte[48];
        int written;
        try
        {
            if (!Base64Url.TryDecodeFromChars(token, bytes, out written))
            {
                return false;
            }
        }
        catch (FormatException)
        {
            return false;
        }

        if (written != PayloadLength + MacLength || bytes[0] != Version)
        {
            return false;
        }

        var expected = Mac(bytes[..PayloadLength], binding).AsSpan(0, MacLength);
        if (!CryptographicOperations.FixedTimeEquals(expected, bytes.Slice(PayloadLength, MacLength)))
        {
            return false;
        }

        offset = BinaryPrimitives.ReadInt32BigEndian(bytes[1..]);
        var issued = DateTimeOffset.FromUnixTimeSeconds(BinaryPrimitives.ReadInt64BigEndian(bytes[5..]));
        var age = _time.GetUtcNow() - issued;
        return offset >= 0 && age <= _lifetime && age >= -TimeSpan.FromMinutes(5);
    }

    private byte[] Mac(ReadOnlySpan<byte> payload, string binding)
    {
        var bindingBytes = Encoding.UTF8.GetBytes(binding);
        var input = new byte[payload.Length + bindingBytes.Length];
        payload.CopyTo(input);
        bindingBytes.CopyTo(input, payload.Length);
        return HMACSHA256.HashData(_key, input);
    }
}
