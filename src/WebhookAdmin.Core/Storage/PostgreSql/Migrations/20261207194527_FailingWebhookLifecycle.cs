using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace WebhookAdmin.Core.Storage.PostgreSql.Migrations
{
    /// <summary>
    /// The failing-webhook lifecycle: which streak the company was told about and at which level (50 %, 90 %, 100 % once
    /// probed), and the probe a webhook past its deactivation threshold is in (its end of cool-down and its outcome).
    /// </summary>
    public partial class FailingWebhookLifecycle : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "ProbeAfter",
                table: "Webhooks",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "ProbeSucceeded",
                table: "Webhooks",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<long>(
                name: "ProbedAt",
                table: "Webhooks",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "WarnedFailingSince",
                table: "Webhooks",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "WarnedPercent",
                table: "Webhooks",
                type: "integer",
                nullable: false,
                defaultValue: 0);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "ProbeAfter",
                table: "Webhooks");

            migrationBuilder.DropColumn(
                name: "ProbeSucceeded",
                table: "Webhooks");

            migrationBuilder.DropColumn(
                name: "ProbedAt",
                table: "Webhooks");

            migrationBuilder.DropColumn(
                name: "WarnedFailingSince",
                table: "Webhooks");

            migrationBuilder.DropColumn(
                name: "WarnedPercent",
                table: "Webhooks");
        }
    }
}
