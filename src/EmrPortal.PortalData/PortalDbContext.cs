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

    public DbSet<StateTransition> StateTransitions => Set<StateTransition>();
    public DbSet<KnownSession> KnownSessions => Set<KnownSession>();
    public DbSet<WorkspaceScan> WorkspaceScans => Set<WorkspaceScan>();
    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();
    public DbSet<SavedView> SavedViews => Set<SavedView>();
    public DbSet<Pin> Pins => Set<Pin>();

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
