using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace WebhookAdmin.Core.Storage.PostgreSql.Migrations
{
    /// <summary>
    /// The API's per-company budget of the current second, shared by every instance (PostgreSqlRateWindows). Not in the
    /// model: only raw statements touch it. UNLOGGED: a counter of the last second is worth no WAL, and losing it at a
    /// crash only resets one second's count.
    /// </summary>
    public partial class ApiRateWindows : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE UNLOGGED TABLE "ApiRateWindows" (
                    "Key" character varying(64) NOT NULL PRIMARY KEY,
                    "Window" bigint NOT NULL,
                    "Taken" bigint NOT NULL
                );
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""DROP TABLE "ApiRateWindows";""");
        }
    }
}
