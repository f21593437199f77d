using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace WebhookAdmin.Core.Storage.PostgreSql.Migrations
{
    /// <inheritdoc />
    public partial class Operations : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_WebhookLogs_Pending",
                table: "WebhookLogs");

            migrationBuilder.AddColumn<int>(
                name: "ConsecutiveFailures",
                table: "Webhooks",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<DateTime>(
                name: "DisabledAt",
                table: "Webhooks",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "DisabledReason",
                table: "Webhooks",
                type: "character varying(500)",
                maxLength: 500,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "FailingSince",
                table: "Webhooks",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "TraceParent",
                table: "Events",
                type: "character varying(55)",
                maxLength: 55,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_WebhookLogs_Pending",
                table: "WebhookLogs",
                columns: new[] { "WebhookId", "Sequence", "Retry" },
                filter: "\"State\" = 0");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_WebhookLogs_Pending",
                table: "WebhookLogs");

            migrationBuilder.DropColumn(
                name: "ConsecutiveFailures",
                table: "Webhooks");

            migrationBuilder.DropColumn(
                name: "DisabledAt",
                table: "Webhooks");

            migrationBuilder.DropColumn(
                name: "DisabledReason",
                table: "Webhooks");

            migrationBuilder.DropColumn(
                name: "FailingSince",
                table: "Webhooks");

            migrationBuilder.DropColumn(
                name: "TraceParent",
                table: "Events");

            migrationBuilder.CreateIndex(
                name: "IX_WebhookLogs_Pending",
                table: "WebhookLogs",
                columns: new[] { "WebhookId", "Sequence" },
                filter: "\"State\" = 0");
        }
    }
}
