using System.Security.Claims;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Options;
using Microsoft.JSInterop;
using MudBlazor;
using WebhookAdmin.Identity;

namespace WebhookAdmin.Components.Layout;

/// <summary>
/// The app bar and the page: sections and sign-out in the bar on wide screens, in one menu on phones; light or dark
/// as the admin chose, else as the system prefers.
/// </summary>
public sealed partial class MainLayout
{
    private const string SignOutFormId = "sign-out-form";

    private MudThemeProvider _themeProvider = null!;
    private bool _dark;
    private bool _schemeShown;

    [Inject] private ColorSchemePreference ColorScheme { get; set; } = null!;
    [Inject] private IJSRuntime JS { get; set; } = null!;
    [Inject] private IOptions<AuthenticationSettings> Authentication { get; set; } = null!;

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (!firstRender)
        {
            if (!_schemeShown)
                await ShowSchemeAsync();
            return;
        }
        if (await ColorScheme.RememberedAsync() is { } remembered)
        {
            _dark = remembered;
        }
        else
        {
            _dark = await _themeProvider.GetSystemDarkModeAsync();
            await _themeProvider.WatchSystemDarkModeAsync(FollowSystemAsync);
        }
        if (_dark)
            StateHasChanged(); // the page is shown once that render is on screen
        else
            await ShowSchemeAsync();
    }

    private async Task ShowSchemeAsync()
    {
        _schemeShown = true;
        await ColorScheme.AppliedAsync();
    }

    private Task FollowSystemAsync(bool dark) => InvokeAsync(async () =>
    {
        // Once the admin has chosen, their choice stays whatever the system does.
        if (await ColorScheme.RememberedAsync() is null)
        {
            _dark = dark;
            StateHasChanged();
        }
    });

    private async Task ToggleColorSchemeAsync()
    {
        _dark = !_dark;
        await ColorScheme.RememberAsync(_dark);
    }

    private bool IsAdmin(ClaimsPrincipal user) => AdminPolicies.IsAdmin(user, Authentication.Value);

    private async Task SignOutAsync() => await JS.InvokeVoidAsync("webhookAdmin.submit", SignOutFormId);
}
