using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using WebhookAdmin.Core.Delivery;

namespace WebhookAdmin.Core.Storage.PostgreSql;

/// <summary>The model on PostgreSQL; its migrations live in <c>Storage/PostgreSql/Migrations</c>.</summary>
public sealed class PostgreSqlWebhookAdminDbContext(DbContextOptions<PostgreSqlWebhookAdminDbContext> options) : WebhookAdminDbContext(options);

/// <summary>
/// A PostgreSQL server that several app instances share: each webhook's queue is leased to one instance at a time, and
/// the instances tell each other what they changed with LISTEN/NOTIFY (<see cref="PostgreSqlNotifications"/>).
/// </summary>
internal static class PostgreSqlStorage
{
    /// <summary>The one channel every instance listens on.</summary>
    public const string Channel = "webhookadmin";

    public static IServiceCollection AddPostgreSqlStorage(this IServiceCollection services, string connectionString)
    {
        services.AddSingleton(_ =>
        {
            var builder = new NpgsqlDataSourceBuilder(connectionString);
            // The delivery path runs the same few statements thousands of times a second: prepared once per connection,
            // PostgreSQL stops parsing and planning them each time (unless the connection string says otherwise).
            if (builder.ConnectionStringBuilder.MaxAutoPrepare == 0)
            {
                builder.ConnectionStringBuilder.MaxAutoPrepare = 64;
                builder.ConnectionStringBuilder.AutoPrepareMinUsages = 2;
            }
            // Npgsql resets a pooled connection's session (seven statements sent with the next command) each time it is
            // opened again: with several instances that was ten of a publish's sixteen statements. Nothing here leaves
            // session state behind: locks are transaction-scoped (publishing's advisory locks, EF Core's migration
            // LOCK TABLE), no SET, no temporary tables, and the one LISTEN says UNLISTEN before its connection goes back.
            if (!Says(connectionString, "No Reset On Close", "NoResetOnClose"))
                builder.ConnectionStringBuilder.NoResetOnClose = true;
            return builder.Build();
        });
        services.AddDbContextFactory<PostgreSqlWebhookAdminDbContext>((provider, options) =>
            options.UseNpgsql(provider.GetRequiredService<NpgsqlDataSource>()));
        services.AddSingleton<IDbContextFactory<WebhookAdminDbContext>, ProviderContextFactory<PostgreSqlWebhookAdminDbContext>>();
        services.AddSingleton<InstanceIdentity>();
        services.AddSingleton<IDeliveryStore>(provider => new PostgreSqlDeliveryStore(
            provider.GetRequiredService<NpgsqlDataSource>(), provider.GetRequiredService<InstanceIdentity>(),
            provider.GetRequiredService<IOptions<DeliveryOptions>>()));
        // Leases are what this provider adds: a lease too short for an attempt is refused at start.
        services.AddSingleton<IValidateOptions<DeliveryOptions>, LeaseOutlastsAttempts>();
        services.AddSingleton<IStorageMigrator, PostgreSqlMigrator>();
        services.AddSingleton<IClusterSignals, PostgreSqlSignals>();
        services.AddSingleton<IClusterDuties, PostgreSqlDuties>();
        services.AddSingleton<IRateWindows, PostgreSqlRateWindows>();
        services.AddHostedService<PostgreSqlNotifications>();
        return services;
    }

    /// <summary>Whether the connection string sets one of these keywords itself (its choice then stands).</summary>
    private static bool Says(string connectionString, params string[] keywords)
    {
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        return keywords.Any(keyword => given.Keys.Cast<string>().Any(key => string.Equals(key, keyword, StringComparison.OrdinalIgnoreCase)));
    }

    private sealed class PostgreSqlMigrator(IDbContextFactory<WebhookAdminDbContext> factory) : IStorageMigrator
    {
        public async Task MigrateAsync(CancellationToken cancellationToken)
        {
            await using var db = await factory.CreateDbContextAsync(cancellationToken);
            await db.Database.MigrateAsync(cancellationToken);
            await Webhooks.WebhookSortNames.RefreshAsync(db, cancellationToken);
        }
    }
}

/// <summary>This process among the instances sharing the database: an id no other instance has, and a name people can read.</summary>
public sealed class InstanceIdentity
{
    public string Id { get; } = $"{Guid.NewGuid():N}"[..12] + "@" + Trim(Environment.MachineName, 40) + ":" + Environment.ProcessId;

    private static string Trim(string text, int length) => text.Length <= length ? text : text[..length];
}

/// <summary>NOTIFY for the changes made outside the delivery writer; sent after they are committed, never waited for.</summary>
internal sealed partial class PostgreSqlSignals(NpgsqlDataSource dataSource, InstanceIdentity me, ILogger<PostgreSqlSignals> logger) : IClusterSignals
{
    public void WebhooksChanged(string companyId, IReadOnlyCollection<string> webhookIds) =>
        Send(ClusterMessage.Format(me.Id, ClusterMessage.WebhooksChanged, [companyId, .. webhookIds]));

    public void DeliveriesRequeued(string webhookId) =>
        Send(ClusterMessage.Format(me.Id, ClusterMessage.Requeued, [webhookId]));

    private void Send(IEnumerable<string> payloads) => _ = SendAsync(payloads);

    private async Task SendAsync(IEnumerable<string> payloads)
    {
        try
        {
            await using var batch = dataSource.CreateBatch();
            foreach (var payload in payloads)
                batch.BatchCommands.Add(new NpgsqlBatchCommand("SELECT pg_notify($1, $2)") { Parameters = { new() { Value = PostgreSqlStorage.Channel }, new() { Value = payload } } });
            await batch.ExecuteNonQueryAsync();
        }
        catch (Exception e)
        {
            // The others still see the change within WebhookDirectory.RefreshAfter; deliveries are not at risk.
            LogSendFailed(e);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Telling the other instances about a change failed; they pick it up at their next refresh.")]
    private partial void LogSendFailed(Exception e);
}

/// <summary>
/// What instances tell each other on <see cref="PostgreSqlStorage.Channel"/>: "<c>sender kind id id …</c>", split so that
/// each payload stays under PostgreSQL's 8,000 bytes.
/// </summary>
internal static class ClusterMessage
{
    /// <summary>New pending deliveries of these webhooks (so their logs changed too).</summary>
    public const string Work = "w";

    /// <summary>These webhooks' logs changed (for open logs tabs), beyond those named as <see cref="Work"/>.</summary>
    public const string Logs = "l";

    /// <summary>These webhooks of the company (first id) were saved.</summary>
    public const string WebhooksChanged = "h";

    /// <summary>This webhook's deliveries went back to pending out of order.</summary>
    public const string Requeued = "r";

    /// <summary>The sender gave these webhooks back (none named: everything it held, it stopped).</summary>
    public const string Released = "g";

    private const int MaxIds = 250;

    public static IEnumerable<string> Format(string sender, string kind, IReadOnlyList<string> ids)
    {
        // A company id leads a WebhooksChanged message: it is repeated in front of every part.
        var lead = kind == WebhooksChanged ? 1 : 0;
        var rest = ids.Skip(lead).ToArray();
        for (var i = 0; i == 0 || i < rest.Length; i += MaxIds)
            yield return string.Join(' ', new[] { sender, kind }.Concat(ids.Take(lead)).Concat(rest.Skip(i).Take(MaxIds)));
    }

    public static bool TryParse(string payload, out string sender, out string kind, out string[] ids)
    {
        var parts = payload.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        (sender, kind, ids) = parts.Length >= 2 ? (parts[0], parts[1], parts[2..]) : ("", "", []);
        return parts.Length >= 2;
    }
}

/// <summary>Lets <c>dotnet ef migrations add … --context PostgreSqlWebhookAdminDbContext</c> build the model without a server.</summary>
internal sealed class PostgreSqlDesignTimeFactory : IDesignTimeDbContextFactory<PostgreSqlWebhookAdminDbContext>
{
    public PostgreSqlWebhookAdminDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgreSqlWebhookAdminDbContext>().UseNpgsql("Host=localhost;Database=webhookadmin").Options);
}

/// <summary>
/// Duties as rows of the leases table, keyed <c>duty:…</c>: taken when free or run out, extended by their holder, given
/// back with the instance's webhooks at a clean stop (<see cref="PostgreSqlDeliveryStore"/>'s leave). Times come from
/// the database's clock, as for every lease.
/// </summary>
internal sealed class PostgreSqlDuties(NpgsqlDataSource dataSource, InstanceIdentity me) : IClusterDuties
{
    private const string NowMs = PostgreSqlDeliveryStore.NowMs;

    public async Task<bool> HoldAsync(string duty, TimeSpan term, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"""
            INSERT INTO "DeliveryLeases" ("WebhookId", "Owner", "ExpiresAt") VALUES ($1, $2, {NowMs} + $3)
            ON CONFLICT ("WebhookId") DO UPDATE SET "Owner" = excluded."Owner", "ExpiresAt" = excluded."ExpiresAt"
                WHERE "DeliveryLeases"."ExpiresAt" <= {NowMs} OR "DeliveryLeases"."Owner" = excluded."Owner"
            RETURNING "Owner"
            """);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = duty });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = me.Id });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = (long)term.TotalMilliseconds });
        return await command.ExecuteScalarAsync(cancellationToken) is not null;
    }

    public async Task ReleaseAsync(string duty, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""DELETE FROM "DeliveryLeases" WHERE "WebhookId" = $1 AND "Owner" = $2""");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = duty });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = me.Id });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}

/// <summary>
/// The API's windows as rows of the unlogged <c>ApiRateWindows</c> table, one per key, counted in one statement per take:
/// a row of an earlier second starts over. Seconds come from the database's clock, so every instance counts the same one.
/// </summary>
internal sealed class PostgreSqlRateWindows(NpgsqlDataSource dataSource) : IRateWindows
{
    private const string NowMs = PostgreSqlDeliveryStore.NowMs;

    public async Task<RateGrant> TakeAsync(string key, int wanted, int limit, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"""
            INSERT INTO "ApiRateWindows" AS w ("Key", "Window", "Taken") VALUES ($1, {NowMs} / 1000, $2)
            ON CONFLICT ("Key") DO UPDATE SET
                "Taken" = CASE WHEN w."Window" = excluded."Window" THEN w."Taken" + excluded."Taken" ELSE excluded."Taken" END,
                "Window" = excluded."Window"
            RETURNING "Taken", ("Window" + 1) * 1000 - {NowMs}
            """);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = key });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = wanted });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var taken = reader.GetInt64(0);
        var leftMs = Math.Clamp(reader.GetInt64(1), 0, 1000);
        return new RateGrant(RateGrant.GrantedOf(wanted, taken, limit), TimeSpan.FromMilliseconds(leftMs));
    }
}
