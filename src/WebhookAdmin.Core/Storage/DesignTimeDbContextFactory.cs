using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace WebhookAdmin.Core.Storage;

/// <summary>Lets <c>dotnet ef migrations add</c> build the model without starting the web host and its sign-in setup.</summary>
internal sealed class DesignTimeDbContextFactory : IDesignTimeDbContextFactory<WebhookAdminDbContext>
{
    public WebhookAdminDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<WebhookAdminDbContext>().UseSqlite(StorageSetup.DefaultConnectionString).Options);
}
