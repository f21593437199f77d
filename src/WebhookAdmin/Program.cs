using WebhookAdmin.Hosting;

var app = WebhookAdminHost.CreateBuilder(args).BuildWebhookAdmin();
await app.PrepareAsync();
await app.RunAsync();
