using System.Security.Cryptography;
using System.Text;

namespace EmrPortal.Proxy.Notifications;

/// <summary>
/// Deterministic event ids: the same detection (rule, subject, occurrence) always yields the same id, whichever proxy
/// instance detects it and however often, so the outbox's unique index and receivers can deduplicate on it.
/// </summary>
internal static class EventIds
{
    public static string For(params string?[] parts)
    {
        var text = string.Join('\u001f', parts.Select(p => p ?? ""));
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(text));
        return "evt_" + Convert.ToHexStringLower(hash.AsSpan(0, 16));
    }

    public static string Instant(DateTimeOffset at) => at.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
}
