using EmrPortal.PortalData.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace EmrPortal.PortalData;

/// <summary>
/// The portal database. One model for both providers; each provider has its own derived context so its migrations
/// live apart (<see cref="SqlitePortalDbContext"/>, <see cref="PostgresPortalDbContext"/>).
/// </summary>
public abstract class PortalDbContext(DbContextOptions options) : DbContext(options)
{
    public const int IdLength = 64;
    public const int StateLength = 64;
    public const int ReasonCodeLength = 64;
    public const int ReasonMessageLength = 2000;
    public const int UserIdLength = 128;
    public const int UserNameLength = 256;
    public const int ActionLength = 64;
    public const int OutcomeLength = 32;
    public const int ViewNameLength = 80;
    public const int ViewQueryLength = 2000;
    public const int RuleNameLength = 80;
    public const int KindLength = 40;
    public const int EventIdLength = 80;
    public const int NotificationTitleLength = 300;
    public const int NotificationTextLength = 2000;
    public const int LinkLength = 300;
    public const int UrlLength = 2000;
    public const int SecretLength = 512;
    public const int ErrorLength = 500;
    public const int PreferenceKeyLength = 64;
    public const int PreferenceValueLength = 2000;

    public DbSet<StateTransition> StateTransitions => Set<StateTransition>();
    public DbSet<KnownSession> KnownSessions => Set<KnownSession>();
    public DbSet<WorkspaceScan> WorkspaceScans => Set<WorkspaceScan>();
    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();
    public DbSet<SavedView> SavedViews => Set<SavedView>();
    public DbSet<Pin> Pins => Set<Pin>();
    public DbSet<UserPreference> UserPreferences => Set<UserPreference>();
    public DbSet<NotificationRule> NotificationRules => Set<NotificationRule>();
    public DbSet<NotificationSubscriber> NotificationSubscribers => Set<NotificationSubscriber>();
    public DbSet<UserNotification> UserNotifications => Set<UserNotification>();
    public DbSet<NotificationMute> NotificationMutes => Set<NotificationMute>();
    public DbSet<WebhookDestination> WebhookDestinations => Set<WebhookDestination>();
    public DbSet<OutboxEvent> OutboxEvents => Set<OutboxEvent>();
    public DbSet<WebhookDelivery> WebhookDeliveries => Set<WebhookDelivery>();
    public DbSet<WorkerLease> WorkerLeases => Set<WorkerLease>();
    public DbSet<WorkspaceCondition> WorkspaceConditions => Set<WorkspaceCondition>();

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // Instants are stored as Unix milliseconds on both providers: SQLite cannot order or compare DateTimeOffset
        // text, and one representation keeps the hand-written idempotent inserts identical on both.
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UnixMillisecondsConverter>();
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<StateTransition>(e =>
        {
            e.HasKey(t => t.Id);
            e.Property(t => t.WorkspaceId).HasMaxLength(IdLength);
            e.Property(t => t.SessionClusterId).HasMaxLength(IdLength);
            e.Property(t => t.FromState).HasMaxLength(StateLength);
            e.Property(t => t.ToState).HasMaxLength(StateLength);
            e.Property(t => t.ReasonCode).HasMaxLength(ReasonCodeLength);
            e.Property(t => t.ReasonMessage).HasMaxLength(ReasonMessageLength);
            // The idempotency key: the same observation recorded twice (two instances, a retry) is one row.
            e.HasIndex(t => new { t.WorkspaceId, t.SessionClusterId, t.ObservedAt, t.ToState }).IsUnique();
            e.HasIndex(t => new { t.WorkspaceId, t.ObservedAt });
        });

        modelBuilder.Entity<KnownSession>(e =>
        {
            e.HasKey(k => new { k.WorkspaceId, k.SessionClusterId });
            e.Property(k => k.WorkspaceId).HasMaxLength(IdLength);
            e.Property(k => k.SessionClusterId).HasMaxLength(IdLength);
            e.Property(k => k.State).HasMaxLength(StateLength);
            e.HasIndex(k => new { k.NoLongerListed, k.NoLongerListedSince });
        });

        modelBuilder.Entity<WorkspaceScan>(e =>
        {
            e.HasKey(w => w.WorkspaceId);
            e.Property(w => w.WorkspaceId).HasMaxLength(IdLength);
        });

        modelBuilder.Entity<AuditEntry>(e =>
        {
            e.HasKey(a => a.Id);
            e.Property(a => a.UserId).HasMaxLength(UserIdLength);
            e.Property(a => a.UserName).HasMaxLength(UserNameLength);
            e.Property(a => a.Action).HasMaxLength(ActionLength);
            e.Property(a => a.WorkspaceId).HasMaxLength(IdLength);
            e.Property(a => a.SessionClusterId).HasMaxLength(IdLength);
            e.Property(a => a.Outcome).HasMaxLength(OutcomeLength);
            e.HasIndex(a => a.At);
            e.HasIndex(a => new { a.UserId, a.At });
            e.HasIndex(a => new { a.Action, a.At });
            e.HasIndex(a => new { a.WorkspaceId, a.At });
        });

        modelBuilder.Entity<SavedView>(e =>
        {
            e.HasKey(v => v.Id);
            e.Property(v => v.WorkspaceId).HasMaxLength(IdLength);
            e.Property(v => v.Name).HasMaxLength(ViewNameLength);
            e.Property(v => v.Query).HasMaxLength(ViewQueryLength);
            e.Property(v => v.CreatedBy).HasMaxLength(UserIdLength);
            e.Property(v => v.CreatedByName).HasMaxLength(UserNameLength);
            e.HasIndex(v => new { v.WorkspaceId, v.Name }).IsUnique();
        });

        modelBuilder.Entity<Pin>(e =>
        {
            e.HasKey(p => new { p.UserId, p.WorkspaceId, p.SessionClusterId });
            e.Property(p => p.UserId).HasMaxLength(UserIdLength);
            e.Property(p => p.WorkspaceId).HasMaxLength(IdLength);
            e.Property(p => p.SessionClusterId).HasMaxLength(IdLength);
        });

        modelBuilder.Entity<UserPreference>(e =>
        {
            e.HasKey(p => new { p.UserId, p.Key });
            e.Property(p => p.UserId).HasMaxLength(UserIdLength);
            e.Property(p => p.Key).HasMaxLength(PreferenceKeyLength);
            e.Property(p => p.Value).HasMaxLength(PreferenceValueLength);
        });

        OnNotificationsModelCreating(modelBuilder);
    }

    private static void OnNotificationsModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<NotificationRule>(e =>
        {
            e.HasKey(r => r.Id);
            e.Property(r => r.WorkspaceId).HasMaxLength(IdLength);
            e.Property(r => r.OwnerId).HasMaxLength(UserIdLength);
            e.Property(r => r.OwnerName).HasMaxLength(UserNameLength);
            e.Property(r => r.Kind).HasMaxLength(KindLength);
            e.Property(r => r.Name).HasMaxLength(RuleNameLength);
            e.Property(r => r.Queue).HasMaxLength(UserNameLength);
            e.Property(r => r.SessionKind).HasMaxLength(KindLength);
            e.Property(r => r.DestinationIdsJson).HasMaxLength(ViewQueryLength);
            e.HasIndex(r => new { r.WorkspaceId, r.Enabled });
            e.HasIndex(r => r.OwnerId);
        });

        modelBuilder.Entity<NotificationSubscriber>(e =>
        {
            e.HasKey(s => s.UserId);
            e.Property(s => s.UserId).HasMaxLength(UserIdLength);
            e.Property(s => s.Name).HasMaxLength(UserNameLength);
        });

        modelBuilder.Entity<UserNotification>(e =>
        {
            e.HasKey(n => n.Id);
            e.Property(n => n.UserId).HasMaxLength(UserIdLength);
            e.Property(n => n.EventId).HasMaxLength(EventIdLength);
            e.Property(n => n.WorkspaceId).HasMaxLength(IdLength);
            e.Property(n => n.SessionClusterId).HasMaxLength(IdLength);
            e.Property(n => n.Type).HasMaxLength(KindLength);
            e.Property(n => n.Title).HasMaxLength(NotificationTitleLength);
            e.Property(n => n.Text).HasMaxLength(NotificationTextLength);
            e.Property(n => n.Link).HasMaxLength(LinkLength);
            // One notification per user and event, however often fan-out runs.
            e.HasIndex(n => new { n.UserId, n.EventId }).IsUnique();
            e.HasIndex(n => new { n.UserId, n.Read, n.Id });
        });

        modelBuilder.Entity<NotificationMute>(e =>
        {
            e.HasKey(m => m.Id);
            e.Property(m => m.UserId).HasMaxLength(UserIdLength);
            e.Property(m => m.WorkspaceId).HasMaxLength(IdLength);
            e.HasIndex(m => new { m.UserId, m.WorkspaceId });
        });

        modelBuilder.Entity<WebhookDestination>(e =>
        {
            e.HasKey(d => d.Id);
            e.Property(d => d.WorkspaceId).HasMaxLength(IdLength);
            e.Property(d => d.Name).HasMaxLength(RuleNameLength);
            e.Property(d => d.Format).HasMaxLength(KindLength);
            e.Property(d => d.Url).HasMaxLength(UrlLength);
            e.Property(d => d.Secret).HasMaxLength(SecretLength);
            e.Property(d => d.CreatedBy).HasMaxLength(UserIdLength);
            e.HasIndex(d => new { d.WorkspaceId, d.Name }).IsUnique();
        });

        modelBuilder.Entity<OutboxEvent>(e =>
        {
            e.HasKey(o => o.Id);
            e.Property(o => o.EventId).HasMaxLength(EventIdLength);
            e.Property(o => o.WorkspaceId).HasMaxLength(IdLength);
            e.Property(o => o.Type).HasMaxLength(KindLength);
            e.Property(o => o.SessionClusterId).HasMaxLength(IdLength);
            e.HasIndex(o => o.EventId).IsUnique();
            e.HasIndex(o => new { o.DispatchedAt, o.Id });
        });

        modelBuilder.Entity<WebhookDelivery>(e =>
        {
            e.HasKey(d => d.Id);
            e.Property(d => d.EventId).HasMaxLength(EventIdLength);
            e.Property(d => d.WorkspaceId).HasMaxLength(IdLength);
            e.Property(d => d.EventType).HasMaxLength(KindLength);
            e.Property(d => d.State).HasMaxLength(OutcomeLength);
            e.Property(d => d.LastError).HasMaxLength(ErrorLength);
            e.HasIndex(d => new { d.EventId, d.DestinationId }).IsUnique();
            e.HasIndex(d => new { d.State, d.NextAttemptAt });
        });

        modelBuilder.Entity<WorkerLease>(e =>
        {
            e.HasKey(l => l.Name);
            e.Property(l => l.Name).HasMaxLength(KindLength);
            e.Property(l => l.Owner).HasMaxLength(EventIdLength);
        });

        modelBuilder.Entity<WorkspaceCondition>(e =>
        {
            e.HasKey(c => new { c.WorkspaceId, c.Condition });
            e.Property(c => c.WorkspaceId).HasMaxLength(IdLength);
            e.Property(c => c.Condition).HasMaxLength(KindLength);
        });
    }
}

/// <summary>The SQLite flavour (embedded default); migrations under <c>Migrations/Sqlite</c>.</summary>
public sealed class SqlitePortalDbContext(DbContextOptions<SqlitePortalDbContext> options) : PortalDbContext(options);

/// <summary>The PostgreSQL flavour (several proxy instances); migrations under <c>Migrations/Postgres</c>.</summary>
public sealed class PostgresPortalDbContext(DbContextOptions<PostgresPortalDbContext> options) : PortalDbContext(options);

/// <summary>UTC instant ↔ Unix milliseconds (the precision of snapshot <c>asOf</c> values).</summary>
public sealed class UnixMillisecondsConverter() : ValueConverter<DateTimeOffset, long>(
    v => v.ToUnixTimeMilliseconds(),
    v => DateTimeOffset.FromUnixTimeMilliseconds(v));
