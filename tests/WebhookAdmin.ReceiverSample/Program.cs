// The README's receiver: every event of one webhook, verified, once, in webhook-sequence order, appended to a file.
// The kill-the-receiver test runs it as a process of its own and kills it between deliveries.
using WebhookAdmin.Receiving;

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddWebhookReceiver(options => builder.Configuration.GetSection("Webhook").Bind(options));
var app = builder.Build();
var handled = app.Configuration["HandledFile"] ?? "handled.txt";

app.MapWebhookReceiver("/webhooks", (message, cancellationToken) =>
    File.AppendAllTextAsync(handled, $"{message.Sequence} {message.Id} {message.Event.GetProperty("data").GetRawText()}\n", cancellationToken));

app.Run();
