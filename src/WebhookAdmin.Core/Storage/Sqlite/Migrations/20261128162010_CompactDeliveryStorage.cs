using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace WebhookAdmin.Core.Storage.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class CompactDeliveryStorage : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // The delivery tables change shape (integer keys, times in milliseconds, the event body moved from every log
            // to its event), which SQLite cannot alter in place and EF would scaffold as dropping data. So: set the old
            // tables aside, create the new ones, copy every row across (pending deliveries stay pending, in order, with
            // their attempts), then drop the old ones. Logs get new ids; README's changelog says so.
            migrationBuilder.DropIndex(name: "IX_WebhookLogs_WebhookId_CreatedAt_Id", table: "WebhookLogs");
            migrationBuilder.DropIndex(name: "IX_WebhookLogs_WebhookId_State_Sequence", table: "WebhookLogs");
            migrationBuilder.DropIndex(name: "IX_WebhookLogAttempts_LogId_Number", table: "WebhookLogAttempts");
            migrationBuilder.DropIndex(name: "IX_Events_CompanyId_CallerId", table: "Events");
            migrationBuilder.DropIndex(name: "IX_Events_Id", table: "Events");
            migrationBuilder.RenameTable(name: "WebhookLogAttempts", newName: "WebhookLogAttempts_v03");
            migrationBuilder.RenameTable(name: "WebhookLogs", newName: "WebhookLogs_v03");
            migrationBuilder.RenameTable(name: "Events", newName: "Events_v03");

            migrationBuilder.CreateTable(
                name: "Events",
                columns: table => new
                {
                    Sequence = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    CompanyId = table.Column<string>(type: "TEXT", maxLength: 24, nullable: false),
                    CallerId = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true),
                    Type = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Event = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    PublishedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    Deliveries = table.Column<int>(type: "INTEGER", nullable: false),
                    Body = table.Column<byte[]>(type: "BLOB", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Events", x => x.Sequence);
                });

            migrationBuilder.CreateTable(
                name: "WebhookLogs",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    WebhookId = table.Column<string>(type: "TEXT", maxLength: 24, nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    Status = table.Column<int>(type: "INTEGER", nullable: false),
                    Retry = table.Column<int>(type: "INTEGER", nullable: false),
                    Response = table.Column<string>(type: "TEXT", nullable: false),
                    Version = table.Column<int>(type: "INTEGER", nullable: false),
                    Sequence = table.Column<long>(type: "INTEGER", nullable: false),
                    State = table.Column<int>(type: "INTEGER", nullable: false),
                    NextAttemptAt = table.Column<long>(type: "INTEGER", nullable: false),
                    ManualAttemptRequested = table.Column<bool>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_WebhookLogs", x => x.Id);
                    table.ForeignKey(
                        name: "FK_WebhookLogs_Events_Sequence",
                        column: x => x.Sequence,
                        principalTable: "Events",
                        principalColumn: "Sequence",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_WebhookLogs_Webhooks_WebhookId",
                        column: x => x.WebhookId,
                        principalTable: "Webhooks",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "WebhookLogAttempts",
                columns: table => new
                {
                    LogId = table.Column<long>(type: "INTEGER", nullable: false),
                    Number = table.Column<int>(type: "INTEGER", nullable: false),
                    StartedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    DurationMs = table.Column<int>(type: "INTEGER", nullable: false),
                    Status = table.Column<int>(type: "INTEGER", nullable: false),
                    Succeeded = table.Column<bool>(type: "INTEGER", nullable: false),
                    Manual = table.Column<bool>(type: "INTEGER", nullable: false),
                    Error = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_WebhookLogAttempts", x => new { x.LogId, x.Number });
                    table.ForeignKey(
                        name: "FK_WebhookLogAttempts_WebhookLogs_LogId",
                        column: x => x.LogId,
                        principalTable: "WebhookLogs",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.Sql(CopyRows);

            migrationBuilder.DropTable(name: "WebhookLogAttempts_v03");
            migrationBuilder.DropTable(name: "WebhookLogs_v03");
            migrationBuilder.DropTable(name: "Events_v03");

            migrationBuilder.CreateIndex(
                name: "IX_WebhookLogs_Failed",
                table: "WebhookLogs",
                columns: new[] { "WebhookId", "CreatedAt" },
                filter: "\"State\" = 2");

            migrationBuilder.CreateIndex(
                name: "IX_WebhookLogs_Pending",
                table: "WebhookLogs",
                columns: new[] { "WebhookId", "Sequence" },
                filter: "\"State\" = 0");

            migrationBuilder.CreateIndex(
                name: "IX_WebhookLogs_Sequence",
                table: "WebhookLogs",
                column: "Sequence");

            migrationBuilder.CreateIndex(
                name: "IX_WebhookLogs_WebhookId_CreatedAt",
                table: "WebhookLogs",
                columns: new[] { "WebhookId", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_Events_CompanyId_CallerId",
                table: "Events",
                columns: new[] { "CompanyId", "CallerId" },
                unique: true,
                filter: "\"CallerId\" IS NOT NULL");
        }

        /// <summary>EF's SQLite times ('2026-11-23 09:50:52.1234567', UTC) as Unix milliseconds.</summary>
        private static string Milliseconds(string column) =>
            $"(CAST(strftime('%s', {column}) AS INTEGER) * 1000 + CAST(substr(strftime('%f', {column}), 4, 3) AS INTEGER))";

        private static readonly string CopyRows = $"""
            -- Logs from before events were stored (sequence 0) get an event each, carrying the body they kept.
            CREATE TEMP TABLE "OrphanLogs" AS
            SELECT l."Id" AS "LogId",
                   (SELECT COALESCE(MAX("Sequence"), 0) FROM "Events_v03") + ROW_NUMBER() OVER (ORDER BY l."CreatedAt", l."Id") AS "Sequence"
            FROM "WebhookLogs_v03" AS l
            WHERE NOT EXISTS (SELECT 1 FROM "Events_v03" AS e WHERE e."Sequence" = l."Sequence");

            INSERT INTO "Events" ("Sequence", "CompanyId", "CallerId", "Type", "Event", "PublishedAt", "Deliveries", "Body")
            SELECT e."Sequence", e."CompanyId", e."CallerId", e."Type", e."Event", {Milliseconds("e.\"PublishedAt\"")}, e."Deliveries",
                   COALESCE((SELECT CAST(l."EventJson" AS BLOB) FROM "WebhookLogs_v03" AS l WHERE l."Sequence" = e."Sequence" LIMIT 1), X'')
            FROM "Events_v03" AS e;

            INSERT INTO "Events" ("Sequence", "CompanyId", "CallerId", "Type", "Event", "PublishedAt", "Deliveries", "Body")
            SELECT o."Sequence", l."CompanyId", NULL,
                   COALESCE(CASE WHEN json_valid(l."EventJson") THEN json_extract(l."EventJson", '$.type') END, ''),
                   COALESCE(CASE WHEN json_valid(l."EventJson") THEN json_extract(l."EventJson", '$.event') END, ''),
                   {Milliseconds("l.\"CreatedAt\"")}, 1, CAST(l."EventJson" AS BLOB)
            FROM "OrphanLogs" AS o JOIN "WebhookLogs_v03" AS l ON l."Id" = o."LogId";

            CREATE TEMP TABLE "LogKeys" AS
            SELECT "Id" AS "OldId", ROW_NUMBER() OVER (ORDER BY "CreatedAt", "Id") AS "NewId" FROM "WebhookLogs_v03";

            INSERT INTO "WebhookLogs" ("Id", "WebhookId", "CreatedAt", "Status", "Retry", "Response", "Version", "Sequence", "State", "NextAttemptAt", "ManualAttemptRequested")
            SELECT k."NewId", l."WebhookId", {Milliseconds("l.\"CreatedAt\"")}, l."Status", l."Retry", l."Response", l."Version",
                   COALESCE(o."Sequence", l."Sequence"), l."State", {Milliseconds("l.\"NextAttemptAt\"")}, l."ManualAttemptRequested"
            FROM "WebhookLogs_v03" AS l
            JOIN "LogKeys" AS k ON k."OldId" = l."Id"
            LEFT JOIN "OrphanLogs" AS o ON o."LogId" = l."Id";

            INSERT INTO "WebhookLogAttempts" ("LogId", "Number", "StartedAt", "DurationMs", "Status", "Succeeded", "Manual", "Error")
            SELECT k."NewId", a."Number", {Milliseconds("a.\"StartedAt\"")}, a."DurationMs", a."Status", a."Succeeded", a."Manual", a."Error"
            FROM "WebhookLogAttempts_v03" AS a JOIN "LogKeys" AS k ON k."OldId" = a."LogId";

            DROP TABLE "LogKeys";
            DROP TABLE "OrphanLogs";
            """;

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder) =>
            throw new NotSupportedException(
                "CompactDeliveryStorage cannot be undone: logs have new ids and event bodies are stored once. Restore a backup of the database taken before the upgrade.");
    }
}
