using Microsoft.JSInterop;
using MudBlazor;

namespace WebhookAdmin.Components.UI;

/// <summary>Copies text to the admin's clipboard and says so (or says why not: browsers refuse on insecure origins).</summary>
public sealed class Clipboard(IJSRuntime js, ISnackbar snackbar)
{
    public async Task CopyAsync(string text, string what)
    {
        try
        {
            await js.InvokeVoidAsync("navigator.clipboard.writeText", text);
            snackbar.Add($"{what} copied to the clipboard.", Severity.Success);
        }
        catch (JSException e)
        {
            snackbar.Add($"Could not copy {what.ToLowerInvariant()}: {e.Message}", Severity.Error);
        }
    }
}
