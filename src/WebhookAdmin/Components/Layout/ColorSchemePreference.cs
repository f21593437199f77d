using Microsoft.JSInterop;

namespace WebhookAdmin.Components.Layout;

/// <summary>
/// Light or dark: the admin's own choice once they have made one (remembered in the browser), the system's
/// <c>prefers-color-scheme</c> until then.
/// </summary>
public sealed class ColorSchemePreference(IJSRuntime js)
{
    private const string Dark = "dark";
    private const string Light = "light";

    /// <summary>True for dark, false for light, null when the admin never chose (follow the system).</summary>
    public async Task<bool?> RememberedAsync()
    {
        try
        {
            return await js.InvokeAsync<string?>("webhookAdmin.colorScheme.remembered") switch
            {
                Dark => true,
                Light => false,
                _ => null,
            };
        }
        catch (JSException)
        {
            // Storage can be off (private windows, policies): the system's setting still applies.
            return null;
        }
    }

    public async Task RememberAsync(bool dark)
    {
        try
        {
            await js.InvokeVoidAsync("webhookAdmin.colorScheme.remember", dark ? Dark : Light);
        }
        catch (JSException)
        {
            // Not remembered, but the choice still applies to this page.
        }
    }

    /// <summary>The page shows the admin's theme now: the early dark cover (color-scheme.js) can go.</summary>
    public async Task AppliedAsync()
    {
        try
        {
            await js.InvokeVoidAsync("webhookAdmin.colorScheme.applied");
        }
        catch (JSException)
        {
            // The cover lifts by itself after three seconds.
        }
    }
}
