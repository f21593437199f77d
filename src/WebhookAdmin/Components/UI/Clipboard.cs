using Microsoft.Extensions.Localization;
using Microsoft.JSInterop;
using MudBlazor;

namespace WebhookAdmin.Components.UI;

/// <summary>Copies text to the admin's clipboard and says so (or says why not: browsers refuse on insecure origins).</summary>
public sealed class Clipboard(IJSRuntime js, ISnackbar snackbar, IStringLocalizer<AppText> words)
{
    /// <param name="copied">What to say once it is copied ("Identifier copied to the clipboard."), in the admin's language.</param>
    public async Task CopyAsync(string text, string copied)
    {
        try
        {
            await js.InvokeVoidAsync("navigator.clipboard.writeText", text);
            snackbar.Add(copied, Severity.Success);
        }
        catch (JSException e)
        {
            snackbar.Add(words["CopyFailed", e.Message], Severity.Error);
        }
    }
}
