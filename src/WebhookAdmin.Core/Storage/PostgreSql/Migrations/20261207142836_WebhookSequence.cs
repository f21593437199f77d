using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace WebhookAdmin.Core.Storage.PostgreSql.Migrations
{
    /// <summary>
    /// Each delivery's place among its webhook's (the <c>webhook-sequence</c> header). Deliveries already stored are
    /// numbered from 1 in publish order, from the oldest retention kept, and each webhook's counter starts after its last.
    /// </summary>
    public partial class WebhookSequence : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "WebhookSequence",
                table: "WebhookLogs",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.CreateTable(
                name: "WebhookCounters",
                columns: table => new
                {
                    WebhookId = table.Column<string>(type: "character varying(24)", maxLength: 24, nullable: false),
                    LastSequence = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_WebhookCounters", x => x.WebhookId);
                    table.ForeignKey(
                        name: "FK_WebhookCounters_Webhooks_WebhookId",
                        column: x => x.WebhookId,
                        principalTable: "Webhooks",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.Sql("""
                UPDATE "WebhookLogs" SET "WebhookSequence" = numbered.n
                FROM (SELECT "Id", row_number() OVER (PARTITION BY "WebhookId" ORDER BY "Sequence", "Id") AS n FROM "WebhookLogs") AS numbered
                WHERE numbered."Id" = "WebhookLogs"."Id";
                INSERT INTO "WebhookCounters" ("WebhookId", "LastSequence")
                SELECT "WebhookId", max("WebhookSequence") FROM "WebhookLogs" GROUP BY "WebhookId";
                """);

            migrationBuilder.CreateIndex(
                name: "IX_WebhookLogs_WebhookSequence",
                table: "WebhookLogs",
                columns: new[] { "WebhookId", "WebhookSequence" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "WebhookCounters");

            migrationBuilder.DropIndex(
                name: "IX_WebhookLogs_WebhookSequence",
                table: "WebhookLogs");

            migrationBuilder.DropColumn(
                name: "WebhookSequence",
                table: "WebhookLogs");
        }
    }
}
