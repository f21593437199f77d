using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace WebhookAdmin.Core.Storage.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class ManualResend : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "ManualAttemptRequested",
                table: "WebhookLogs",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<bool>(
                name: "Manual",
                table: "WebhookLogAttempts",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "ManualAttemptRequested",
                table: "WebhookLogs");

            migrationBuilder.DropColumn(
                name: "Manual",
                table: "WebhookLogAttempts");
        }
    }
}
