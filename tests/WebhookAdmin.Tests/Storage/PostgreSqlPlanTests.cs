using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using WebhookAdmin.Core.Storage.PostgreSql;
using WebhookAdmin.Tests.Support;

namespace WebhookAdmin.Tests.Storage;

/// <summary>
/// The delivery writes run as prepared statements with generic plans, kept for a connection's life: a plan made on
/// empty tables must still reach logs, events, webhooks and leases by key once they hold millions of rows.
/// </summary>
[Trait(TestStorage.Trait, TestStorage.PostgreSqlOnly)]
public sealed partial class PostgreSqlPlanTests
{
    [Theory]
    [InlineData("attempt records")]
    [InlineData("failure streaks")]
    [InlineData("caller ids")]
    [InlineData("publish")]
    public async Task A_writes_generic_plan_made_on_empty_tables_reaches_rows_by_key(string statement)
    {
        var sql = statement switch
        {
            "attempt records" => PostgreSqlDeliveryStore.RecordAttemptsSql,
            "failure streaks" => PostgreSqlDeliveryStore.RecordStreaksSql,
            "caller ids" => PostgreSqlPublish.CallerIdsSql,
            _ => PostgreSqlPublish.PublishSql,
        };
        var connectionString = await TestStorage.NewDatabaseAsync(Path.GetTempPath());
        await using (var db = TestStorage.Context(connectionString))
            await db.Database.MigrateAsync();

        var plan = await GenericPlanAsync(connectionString, sql);

        // A scan of the whole table, of every log of the leased webhooks or of every lease this instance holds grows
        // with what the plan never sees grow.
        Assert.DoesNotMatch(@"Seq Scan on ""(WebhookLogs|Events|Webhooks|DeliveryLeases)""", plan);
        Assert.DoesNotContain("IX_WebhookLogs_WebhookId", plan, StringComparison.Ordinal);
        Assert.DoesNotContain("IX_DeliveryLeases_Owner", plan, StringComparison.Ordinal);
        Assert.DoesNotContain("hashed SubPlan", plan, StringComparison.Ordinal);
    }

    private static async Task<string> GenericPlanAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var parameters = ParameterNumber().Matches(sql).Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).Max();
        await using var command = new NpgsqlCommand(
            $"""
            SET plan_cache_mode = force_generic_plan;
            PREPARE write AS {sql};
            EXPLAIN EXECUTE write({string.Join(", ", Enumerable.Repeat("NULL", parameters))});
            """, connection);
        var lines = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        do
        {
            while (await reader.ReadAsync())
                lines.Add(reader.GetString(0));
        }
        while (await reader.NextResultAsync());
        return string.Join('\n', lines);
    }

    [GeneratedRegex(@"\$(\d+)")]
    private static partial Regex ParameterNumber();
}
