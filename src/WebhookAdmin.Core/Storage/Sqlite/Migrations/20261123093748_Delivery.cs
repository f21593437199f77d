using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace WebhookAdmin.Core.Storage.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class Delivery : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "PreviousSecret",
                table: "Webhooks",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "PreviousSecretExpiresAt",
                table: "Webhooks",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "EventId",
                table: "WebhookLogs",
                type: "TEXT",
                maxLength: 24,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<DateTime>(
                name: "NextAttemptAt",
                table: "WebhookLogs",
                type: "TEXT",
                nullable: false,
                defaultValue: new DateTime(1, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified));

            migrationBuilder.AddColumn<long>(
                name: "Sequence",
                table: "WebhookLogs",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<int>(
                name: "State",
                table: "WebhookLogs",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            // Logs written before the dispatcher existed are history, not work: settle them so none is sent now.
            migrationBuilder.Sql("UPDATE WebhookLogs SET State = CASE WHEN Status BETWEEN 200 AND 209 THEN 1 ELSE 2 END;");

            migrationBuilder.CreateTable(
                name: "Events",
                columns: table => new
                {
                    Sequence = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Id = table.Column<string>(type: "TEXT", maxLength: 24, nullable: false),
                    CompanyId = table.Column<string>(type: "TEXT", maxLength: 24, nullable: false),
                    CallerId = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true),
                    Type = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Event = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    PublishedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Deliveries = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Events", x => x.Sequence);
                });

            migrationBuilder.CreateTable(
                name: "WebhookLogAttempts",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    LogId = table.Column<string>(type: "TEXT", maxLength: 24, nullable: false),
                    Number = table.Column<int>(type: "INTEGER", nullable: false),
                    StartedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    DurationMs = table.Column<int>(type: "INTEGER", nullable: false),
                    Status = table.Column<int>(type: "INTEGER", nullable: false),
                    Succeeded = table.Column<bool>(type: "INTEGER", nullable: false),
                    Error = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_WebhookLogAttempts", x => x.Id);
                    table.ForeignKey(
                        name: "FK_WebhookLogAttempts_WebhookLogs_LogId",
                        column: x => x.LogId,
                        principalTable: "WebhookLogs",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_WebhookLogs_WebhookId_State_Sequence",
                table: "WebhookLogs",
                columns: new[] { "WebhookId", "State", "Sequence" });

            migrationBuilder.CreateIndex(
                name: "IX_Events_CompanyId_CallerId",
                table: "Events",
                columns: new[] { "CompanyId", "CallerId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Events_Id",
                table: "Events",
                column: "Id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_WebhookLogAttempts_LogId_Number",
                table: "WebhookLogAttempts",
                columns: new[] { "LogId", "Number" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "Events");

            migrationBuilder.DropTable(
                name: "WebhookLogAttempts");

            migrationBuilder.DropIndex(
                name: "IX_WebhookLogs_WebhookId_State_Sequence",
                table: "WebhookLogs");

            migrationBuilder.DropColumn(
                name: "PreviousSecret",
                table: "Webhooks");

            migrationBuilder.DropColumn(
                name: "PreviousSecretExpiresAt",
                table: "Webhooks");

            migrationBuilder.DropColumn(
                name: "EventId",
                table: "WebhookLogs");

            migrationBuilder.DropColumn(
                name: "NextAttemptAt",
                table: "WebhookLogs");

            migrationBuilder.DropColumn(
                name: "Sequence",
                table: "WebhookLogs");

            migrationBuilder.DropColumn(
                name: "State",
                table: "WebhookLogs");
        }
    }
}
