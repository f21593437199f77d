using MudBlazor;
using WebhookAdmin.Core.Storage;

namespace WebhookAdmin.Components.UI;

/// <summary>
/// What a settings section's buttons do against the database: <see cref="Busy"/> while it runs (the section disables its
/// buttons, so a second click does not start it twice), and a database that is down, restarting or locked said in a
/// snackbar, in the section's own words, instead of breaking the admin's circuit.
/// </summary>
public sealed class StorageWork
{
    public bool Busy { get; private set; }

    /// <param name="unavailable">The message for the admin when the database cannot be reached, from its error.</param>
    public async Task RunAsync(Func<Task> work, ISnackbar snackbar, Func<Exception, string> unavailable)
    {
        Busy = true;
        try
        {
            await work();
        }
        catch (Exception e) when (StorageErrors.IsUnavailable(e))
        {
            snackbar.Add(unavailable(e), Severity.Error);
        }
        finally
        {
            Busy = false;
        }
    }
}
