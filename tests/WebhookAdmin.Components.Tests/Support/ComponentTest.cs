using System.Globalization;
using System.Security.Claims;
using Bunit.TestDoubles;
using Microsoft.AspNetCore.Components;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;
using WebhookAdmin.Components.UI;
using WebhookAdmin.Core;
using WebhookAdmin.Core.Delivery;
using WebhookAdmin.Features.Logs;
using WebhookAdmin.Core.Storage;
using WebhookAdmin.Identity;
using WebhookAdmin.Localization;

namespace WebhookAdmin.Components.Tests.Support;

/// <summary>
/// What every MudBlazor component test needs: MudBlazor services, loose JS interop, a popover provider (or menus and
/// dialogs never render), the real service layer on a real SQLite file, and a signed-in admin of <see cref="Acme"/>.
/// </summary>
public abstract class ComponentTest : IAsyncLifetime
{
    public const string Acme = "625bcbdcc9a8e3a86dbf041c";
    public const string Globex = "626161128f1e9939e05c6ae5";

    private readonly string _directory = Directory.CreateTempSubdirectory("webhookadmin-bunit-").FullName;
    private IRenderedComponent<MudPopoverProvider>? _popovers;
    private IRenderedComponent<MudDialogProvider>? _dialogs;

    static ComponentTest()
    {
        // A wait ends as soon as its assertion holds: the limit only matters on a loaded machine (CI, a parallel build),
        // where bUnit's one second made a debounced search fail now and then.
        BunitContext.DefaultWaitTimeout = TimeSpan.FromSeconds(10);
    }

    protected ComponentTest()
    {
        Context.JSInterop.Mode = JSRuntimeMode.Loose;
        Context.Services.AddMudServices();
        Context.Services.AddAdminLocalization();
        Context.Services.AddWebhookAdminCore($"Data Source={Path.Combine(_directory, "webhookadmin.db")}");
        Context.Services.Configure<AuthenticationSettings>(_ => { });
        Context.Services.AddSingleton<CompanyIdentity>();
        Context.Services.AddScoped<CurrentAdmin>();
        Context.Services.AddScoped<BrowserTime>();
        Context.Services.AddScoped<Clipboard>();
        Context.Services.AddScoped<WebhookAdmin.Components.Layout.ColorSchemePreference>();
        // The real publisher and log writer; no host runs the dispatcher here, tests record attempts themselves.
        Context.Services.AddWebhookDelivery(new ConfigurationBuilder().Build());
        Auth = Context.AddAuthorization();
        SignInAs("Acme Admin", Acme);
        // Reading the renderer builds the service provider: every registration must come before this line.
        Context.Renderer.SetRendererInfo(new RendererInfo("Server", isInteractive: true));
    }

    protected BunitContext Context { get; } = new();

    /// <summary>
    /// The culture components render in, as request localization would set it for the circuit: English unless a test
    /// says otherwise (never the machine's own). Applied by <see cref="Render{T}"/>, for the rest of the test.
    /// </summary>
    protected string Culture { get; set; } = "en";

    protected BunitAuthorizationContext Auth { get; }

    protected T Get<T>() where T : notnull => Context.Services.GetRequiredService<T>();

    /// <summary>Markup of open menus, selects and dialogs, which MudBlazor renders into the popover provider.</summary>
    protected IRenderedComponent<MudPopoverProvider> Popovers => _popovers ??= Context.Render<MudPopoverProvider>();

    /// <summary>Open dialogs and message boxes, which MudBlazor renders into the dialog provider.</summary>
    protected IRenderedComponent<MudDialogProvider> Dialogs => _dialogs ??= Context.Render<MudDialogProvider>();

    protected void SignInAs(string name, string company, string role = "admin")
    {
        Auth.SetAuthorized(name);
        Auth.SetClaims(new Claim("name", name), new Claim("company", company), new Claim("role", role), new Claim("sub", name));
        Auth.SetPolicies(AdminPolicies.Admin);
    }

    /// <summary>
    /// Sets <see cref="Culture"/> as the current culture and UI culture. A synchronous call, so it holds for the calling test
    /// and everything it awaits afterwards.
    /// </summary>
    protected void ApplyCulture() => CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo(Culture);

    protected IRenderedComponent<T> Render<T>(Action<ComponentParameterCollectionBuilder<T>>? parameters = null) where T : IComponent
    {
        ApplyCulture();
        _ = Popovers;
        _ = Dialogs;
        return parameters is null ? Context.Render<T>() : Context.Render<T>(parameters);
    }

    public virtual async Task InitializeAsync()
    {
        await Context.Services.MigrateWebhookStorageAsync();
        // No host runs here: the writer is started as the host would start it (the container's disposal stops it).
        await Get<DeliveryWriter>().StartAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await Context.DisposeAsync();
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Only a temp folder is left behind.
        }
    }
}
