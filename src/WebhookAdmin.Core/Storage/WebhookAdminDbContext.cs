using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using WebhookAdmin.Core.Events;
using WebhookAdmin.Core.Logs;
using WebhookAdmin.Core.Webhooks;

namespace WebhookAdmin.Core.Storage;

public sealed class WebhookAdminDbContext(DbContextOptions<WebhookAdminDbContext> options) : DbContext(options)
{
    public DbSet<Webhook> Webhooks => Set<Webhook>();
    public DbSet<WebhookLog> WebhookLogs => Set<WebhookLog>();
    public DbSet<WebhookLogAttempt> WebhookLogAttempts => Set<WebhookLogAttempt>();
    public DbSet<PublishedEvent> Events => Set<PublishedEvent>();

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // SQLite keeps no time zone; every time in this model is UTC, so say so when reading it back.
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Webhook>(webhook =>
        {
            webhook.ToTable("Webhooks");
            webhook.HasKey(w => w.Id);
            webhook.Property(w => w.Id).HasMaxLength(24);
            webhook.Property(w => w.CompanyId).HasMaxLength(24);
            webhook.Property(w => w.Trigger).HasMaxLength(64);
            webhook.Property(w => w.Url).HasMaxLength(WebhookRules.UrlMaxLength);
            webhook.Property(w => w.Name).HasMaxLength(WebhookRules.NameMaxLength);
            webhook.Property(w => w.Code).HasMaxLength(CodeSuggester.MaxLength);
            webhook.Property(w => w.Description).HasMaxLength(WebhookRules.DescriptionMaxLength);
            webhook.Property(w => w.Version).IsConcurrencyToken();
            webhook.ComplexProperty(w => w.Context, context =>
            {
                context.Property(c => c.Survey).HasColumnName("ContextSurvey").HasMaxLength(24);
                context.Property(c => c.Group).HasColumnName("ContextGroup").HasMaxLength(24);
                context.Property(c => c.TaskGroup).HasColumnName("ContextTaskGroup").HasMaxLength(24);
            });
            webhook.HasIndex(w => new { w.CompanyId, w.Code }).IsUnique();
            webhook.HasIndex(w => new { w.CompanyId, w.IsActive, w.Name });
        });

        // Delivery tables grow by millions of rows: integer keys and times as Unix milliseconds (8 bytes at most instead
        // of 24-character ids and 27-character texts, in every row and every index) keep a log near 200 bytes on disk.
        modelBuilder.Entity<WebhookLog>(log =>
        {
            log.ToTable("WebhookLogs");
            log.HasKey(l => l.Id);
            log.Property(l => l.Id).ValueGeneratedOnAdd();
            log.Ignore(l => l.PublicId);
            log.Ignore(l => l.CompanyId);
            log.Ignore(l => l.EventJson);
            log.Property(l => l.WebhookId).HasMaxLength(24);
            log.Property(l => l.CreatedAt).HasConversion(UnixMillisecondsConverter.Instance);
            log.Property(l => l.NextAttemptAt).HasConversion(UnixMillisecondsConverter.Instance);
            log.Property(l => l.Version).IsConcurrencyToken();
            log.Property(l => l.State).HasConversion<int>();
            log.HasOne<Webhook>().WithMany().HasForeignKey(l => l.WebhookId).OnDelete(DeleteBehavior.Cascade);
            log.HasOne(l => l.Event).WithMany().HasForeignKey(l => l.Sequence).OnDelete(DeleteBehavior.Cascade);
            // "This webhook's logs, newest first" as an index range scan at any table size: read backwards, the index gives
            // CreatedAt DESC, Id DESC (every entry ends with the key, ascending), so no sort step. Declaring CreatedAt
            // DESC would leave the key ascending and add a sort of every tie (measured: tab's first page 0.76 → 1.03 ms).
            log.HasIndex(l => new { l.WebhookId, l.CreatedAt }, "IX_WebhookLogs_WebhookId_CreatedAt");
            // The dispatcher's question, "which are this webhook's next pending deliveries?", is a seek on this partial
            // index: only pending rows are in it, so it stays small however many deliveries are done.
            log.HasIndex(l => new { l.WebhookId, l.Sequence }, "IX_WebhookLogs_Pending").HasFilter("\"State\" = 0");
            // "Failed only" and "Resend failed" without reading every success.
            log.HasIndex(l => new { l.WebhookId, l.CreatedAt }, "IX_WebhookLogs_Failed").HasFilter("\"State\" = 2");
            log.HasMany(l => l.Attempts).WithOne().HasForeignKey(a => a.LogId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<WebhookLogAttempt>(attempt =>
        {
            attempt.ToTable("WebhookLogAttempts");
            attempt.HasKey(a => new { a.LogId, a.Number });
            attempt.Property(a => a.StartedAt).HasConversion(UnixMillisecondsConverter.Instance);
        });

        modelBuilder.Entity<PublishedEvent>(published =>
        {
            published.ToTable("Events");
            published.HasKey(e => e.Sequence);
            published.Property(e => e.Sequence).ValueGeneratedOnAdd();
            published.Ignore(e => e.Id);
            published.Property(e => e.CompanyId).HasMaxLength(24);
            published.Property(e => e.CallerId).HasMaxLength(EventRules.CallerIdMaxLength);
            published.Property(e => e.Type).HasMaxLength(32);
            published.Property(e => e.Event).HasMaxLength(16);
            published.Property(e => e.PublishedAt).HasConversion(UnixMillisecondsConverter.Instance);
            // Only events that carry a caller id are constrained (and indexed): most carry none.
            published.HasIndex(e => new { e.CompanyId, e.CallerId }).IsUnique().HasFilter("\"CallerId\" IS NOT NULL");
        });
    }

    /// <summary>UTC times as whole milliseconds since 1970 (what the documented JSON shows); stored times are created at that precision.</summary>
    private sealed class UnixMillisecondsConverter() : ValueConverter<DateTime, long>(
        time => UnixTime.ToMilliseconds(time),
        milliseconds => UnixTime.FromMilliseconds(milliseconds))
    {
        public static readonly UnixMillisecondsConverter Instance = new();
    }

    private sealed class UtcDateTimeConverter() : ValueConverter<DateTime, DateTime>(
        toStore => toStore.Kind == DateTimeKind.Utc ? toStore : toStore.ToUniversalTime(),
        fromStore => DateTime.SpecifyKind(fromStore, DateTimeKind.Utc));
}
