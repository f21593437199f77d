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

        modelBuilder.Entity<WebhookLog>(log =>
        {
            log.ToTable("WebhookLogs");
            log.HasKey(l => l.Id);
            log.Property(l => l.Id).HasMaxLength(24);
            log.Property(l => l.CompanyId).HasMaxLength(24);
            log.Property(l => l.WebhookId).HasMaxLength(24);
            log.Property(l => l.Version).IsConcurrencyToken();
            log.HasOne<Webhook>().WithMany().HasForeignKey(l => l.WebhookId).OnDelete(DeleteBehavior.Cascade);
            // Serves "this webhook's logs, newest first" as an index range scan at any table size.
            log.HasIndex(l => new { l.WebhookId, l.CreatedAt, l.Id }).IsDescending(false, true, true);

            log.Property(l => l.EventId).HasMaxLength(24);
            log.Property(l => l.State).HasConversion<int>();
            // The dispatcher's two questions, "has this webhook anything pending?" and "which is its oldest pending
            // delivery?", are both a seek on (WebhookId, State) plus the first Sequence, however many rows are done.
            log.HasIndex(l => new { l.WebhookId, l.State, l.Sequence });
            log.HasMany(l => l.Attempts).WithOne().HasForeignKey(a => a.LogId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<WebhookLogAttempt>(attempt =>
        {
            attempt.ToTable("WebhookLogAttempts");
            attempt.HasKey(a => a.Id);
            attempt.Property(a => a.LogId).HasMaxLength(24);
            attempt.HasIndex(a => new { a.LogId, a.Number }).IsUnique();
        });

        modelBuilder.Entity<PublishedEvent>(published =>
        {
            published.ToTable("Events");
            published.HasKey(e => e.Sequence);
            published.Property(e => e.Sequence).ValueGeneratedOnAdd();
            published.Property(e => e.Id).HasMaxLength(24).IsRequired();
            published.Property(e => e.CompanyId).HasMaxLength(24);
            published.Property(e => e.CallerId).HasMaxLength(EventRules.CallerIdMaxLength);
            published.Property(e => e.Type).HasMaxLength(32);
            published.Property(e => e.Event).HasMaxLength(16);
            published.HasIndex(e => e.Id).IsUnique();
            // SQLite lets many NULLs through a unique index, so only events that carry a caller id are constrained.
            published.HasIndex(e => new { e.CompanyId, e.CallerId }).IsUnique();
        });
    }

    private sealed class UtcDateTimeConverter() : ValueConverter<DateTime, DateTime>(
        toStore => toStore.Kind == DateTimeKind.Utc ? toStore : toStore.ToUniversalTime(),
        fromStore => DateTime.SpecifyKind(fromStore, DateTimeKind.Utc));
}
