using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace WebhookAdmin.Core.Storage.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class WebhookSortName : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Webhooks_CompanyId_IsActive_Name",
                table: "Webhooks");

            migrationBuilder.AddColumn<string>(
                name: "SortName",
                table: "Webhooks",
                type: "TEXT",
                nullable: false,
                defaultValue: "");

            // Data, which EF cannot say: lower() is the whole fold for ASCII names; names beyond ASCII are folded again
            // at start-up by WebhookSortNames, as SQL's lower() does not remove accents (nor, on SQLite, fold them).
            migrationBuilder.Sql("""UPDATE "Webhooks" SET "SortName" = lower("Name");""");

            migrationBuilder.CreateIndex(
                name: "IX_Webhooks_CompanyId_IsActive_SortName",
                table: "Webhooks",
                columns: new[] { "CompanyId", "IsActive", "SortName" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Webhooks_CompanyId_IsActive_SortName",
                table: "Webhooks");

            migrationBuilder.DropColumn(
                name: "SortName",
                table: "Webhooks");

            migrationBuilder.CreateIndex(
                name: "IX_Webhooks_CompanyId_IsActive_Name",
                table: "Webhooks",
                columns: new[] { "CompanyId", "IsActive", "Name" });
        }
    }
}
