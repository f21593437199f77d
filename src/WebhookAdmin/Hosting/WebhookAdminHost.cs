using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.FileProviders;
using MudBlazor;
using MudBlazor.Services;
using WebhookAdmin.Api;
using WebhookAdmin.Components;
using WebhookAdmin.Components.Pages;
using WebhookAdmin.Core;
using WebhookAdmin.Core.Delivery;
using WebhookAdmin.Core.Storage;
using WebhookAdmin.Features.ContextDirectory;
using WebhookAdmin.Features.EndpointAuth;
using WebhookAdmin.Features.Filters;
using WebhookAdmin.Features.Events;
using WebhookAdmin.Features.Logs;
using WebhookAdmin.Features.Receivers;
using WebhookAdmin.Features.Recovery;
using WebhookAdmin.Features.Webhooks;
using WebhookAdmin.Identity;
using WebhookAdmin.Identity.EmbeddedProvider;
using WebhookAdmin.Localization;

namespace WebhookAdmin.Hosting;

/// <summary>The one place that wires the app; tests build the same app through it, with their own arguments.</summary>
public static class WebhookAdminHost
{
    public static WebApplicationBuilder CreateBuilder(string[] args)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            // Settings, the development settings from the repository root and wwwroot-assets/ are all copied
            // beside the binaries, so the app finds them whatever folder it is started from.
            ApplicationName = typeof(WebhookAdminHost).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
            WebRootPath = Path.Combine(AppContext.BaseDirectory, "wwwroot-assets"),
        });

        // Problems ASP.NET Core titles itself ("Not Found", "Unauthorized") are titled in the request's language too.
        builder.Services.AddProblemDetails(options => options.CustomizeProblemDetails = ApiText.LocalizeDefaultTitle);
        // Behind a load balancer (several instances): the scheme and client address it saw, so sign-in redirects keep
        // https. Only proxies on this machine are believed unless ForwardedHeaders:KnownProxies says otherwise.
        builder.Services.Configure<ForwardedHeadersOptions>(options =>
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto);
        builder.Services.AddWebhookAdminCore(
            builder.Configuration.GetConnectionString(StorageSetup.ConnectionStringName),
            StorageSetup.ParseProvider(builder.Configuration[StorageSetup.ProviderKey]));
        // Keys in the database: a sign-in cookie issued by one instance is read by every other instance sharing it.
        builder.Services.AddDataProtection()
            .SetApplicationName("WebhookAdmin")
            .PersistKeysToDbContext<WebhookAdminDbContext>();
        builder.Services.AddWebhookDelivery(builder.Configuration);
        builder.AddAdminAuthentication();
        builder.AddOperations();
        builder.AddTelemetry();
        builder.Services.AddApiDocument();
        builder.Services.AddScoped<CurrentAdmin>();
        builder.Services.AddScoped<BrowserTime>();
        builder.Services.AddScoped<Components.UI.Clipboard>();
        builder.Services.AddScoped<Components.Layout.ColorSchemePreference>();
        // Bottom of the screen: at the top a snackbar would cover the settings panel's Save and Active switch.
        builder.Services.AddMudServices(mud => mud.SnackbarConfiguration.PositionClass = Defaults.Classes.Position.BottomRight);
        // After MudBlazor's services: its localizer hook is replaced by ours.
        builder.Services.AddAdminLocalization();
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        return builder;
    }

    public static WebApplication BuildWebhookAdmin(this WebApplicationBuilder builder)
    {
        var app = builder.Build();
        // Before anything else: the management port serves the scrape endpoint alone.
        app.UseTelemetryEndpoints();
        app.UseForwardedHeaders();
        // Before anything that writes a page or a problem: the language of the request holds for all of them.
        app.UseAdminLocalization();
        app.UseExceptionHandler();
        // A person's browser asking for an address nothing answers gets the app's own page; scripts (the API, the
        // identity provider's protocol endpoints) keep problem details they can read.
        app.UseWhen(IsPageRequest, pages => pages.UseStatusCodePagesWithReExecute(NotFound.Path, createScopeForStatusCodePages: true));
        app.UseWhen(http => !IsPageRequest(http), scripts => scripts.UseStatusCodePages());
        if (!app.Environment.IsDevelopment())
            app.UseHsts();

        // wwwroot-assets/ is served from its own provider: in Development the static web assets manifest takes over
        // the web root provider and would hide these files.
        app.UseStaticFiles(new StaticFileOptions { FileProvider = new PhysicalFileProvider(app.Environment.WebRootPath) });
        // Routing only after the static files: in Development MapStaticAssets adds a catch-all `{**path:file}` endpoint;
        // matched first, it made the static file middleware step aside and the admin-only fallback policy answer a
        // non-admin's logo.svg, app.css and favicon.svg with a redirect to the access-denied page.
        app.UseRouting();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        app.UseAntiforgery();

        app.MapStaticAssets().AllowAnonymous();
        app.MapOperations();
        app.MapApiDocument();
        app.MapEmbeddedIdentityProvider();
        app.MapAccountEndpoints();
        app.MapLanguageSwitch();
        app.MapWebhookApi();
        app.MapWebhookLogApi();
        app.MapRecoveryApi();
        app.MapWebhookSecretApi();
        app.MapReceiverKeyApi();
        app.MapCatchUpApi();
        app.MapEndpointAuthApi();
        app.MapFilterApi();
        app.MapEventApi();
        app.MapEventCatalogueApi();
        app.MapDirectoryApi();
        app.MapApiFallback();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        return app;
    }

    private static bool IsPageRequest(HttpContext http) =>
        HttpMethods.IsGet(http.Request.Method)
        && !http.Request.Path.StartsWithSegments("/api")
        && !http.Request.Path.StartsWithSegments("/connect");

    /// <summary>Applies migrations and registers the development provider's clients before the first request.</summary>
    public static async Task PrepareAsync(this WebApplication app, CancellationToken cancellationToken = default)
    {
        await app.Services.MigrateWebhookStorageAsync(cancellationToken);
        await app.Services.SeedEmbeddedProviderAsync(cancellationToken);
    }
}
