using System.ComponentModel.DataAnnotations;

namespace EmrPortal.Proxy.Notifications;

/// <summary>Notification delivery (<c>Notifications</c> section); see docs/notifications.md.</summary>
public sealed class NotificationOptions
{
    public const string SectionName = "Notifications";

    /// <summary>Detection and delivery on or off (rules and the API stay available).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How often the delivery worker looks for new events and due retries.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:10:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long a worker's lease lasts without renewal (another instance takes over after it).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:30:00")]
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>First retry delay; each further attempt doubles it (with jitter) up to <see cref="MaxRetryDelay"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(10);

    [Range(typeof(TimeSpan), "00:00:00.010", "1.00:00:00")]
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Attempts before a delivery becomes a dead letter.</summary>
    [Range(1, 50)]
    public int MaxAttempts { get; set; } = 8;

    /// <summary>Whole-request timeout of one webhook attempt (connect, send, read the bounded answer).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:02:00")]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>At most this much of a receiver's answer is read.</summary>
    [Range(256, 1_048_576)]
    public int MaxResponseBytes { get; set; } = 16 * 1024;

    /// <summary>
    /// Hosts a webhook may reach although they resolve to loopback, link-local or private addresses: host names
    /// (exact), IP addresses or CIDR ranges (<c>10.20.0.0/16</c>). Empty by default: only public addresses.
    /// </summary>
    public List<string> AllowedHosts { get; set; } = [];

    /// <summary>The portal's public base URL (e.g. <c>https://portal.example.com</c>) for links in webhooks; none when unset.</summary>
    public Uri? PortalBaseUrl { get; set; }
}
