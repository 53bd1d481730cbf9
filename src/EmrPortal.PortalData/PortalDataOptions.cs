using System.ComponentModel.DataAnnotations;

namespace EmrPortal.PortalData;

/// <summary>The portal database and its retention (<c>Portal</c> section).</summary>
public sealed class PortalDataOptions
{
    public const string SectionName = "Portal";
    public const string ConnectionStringName = "portaldb";

    /// <summary><c>Sqlite</c> (default, a file under the app's <c>data</c> folder) or <c>Postgres</c> (several proxy instances).</summary>
    public string? Database { get; set; }

    public RetentionOptions Retention { get; set; } = new();

    /// <summary>How often the purge job runs.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan PurgeInterval { get; set; } = TimeSpan.FromHours(1);
}

public sealed class RetentionOptions
{
    /// <summary>Sessions upstream stopped listing are kept (last known data and timeline) this long, then purged.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "3650.00:00:00")]
    public TimeSpan NoLongerListed { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Transitions older than this are purged, except each session's latest (which says its current state).</summary>
    [Range(typeof(TimeSpan), "7.00:00:00", "3650.00:00:00")]
    public TimeSpan Transitions { get; set; } = TimeSpan.FromDays(90);

    /// <summary>Audit entries are kept this long.</summary>
    [Range(typeof(TimeSpan), "1.00:00:00", "3650.00:00:00")]
    public TimeSpan Audit { get; set; } = TimeSpan.FromDays(365);
}

public enum PortalDatabaseProvider
{
    Sqlite,
    Postgres,
}
