using System.Security.Cryptography;
using System.Text;

namespace WebhookAdmin.Identity.EmbeddedProvider;

/// <summary>The configured development companies, people and API clients, looked up by sign-in name or client id.</summary>
public sealed class EmbeddedProviderDirectory(AuthenticationSettings settings)
{
    public AuthenticationSettings Settings { get; } = settings;

    public IEnumerable<(DevUser User, DevCompany Company)> Users =>
        Settings.EmbeddedProvider.Companies.SelectMany(c => c.Users.Select(u => (u, c)));

    public IEnumerable<(DevApiClient Client, DevCompany Company)> ApiClients =>
        Settings.EmbeddedProvider.Companies.SelectMany(c => c.ApiClients.Select(a => (a, c)));

    /// <summary>The user whose email and password match; the comparison takes the same time whatever the password.</summary>
    public (DevUser User, DevCompany Company)? FindByCredentials(string? email, string? password)
    {
        foreach (var entry in Users)
        {
            if (string.Equals(entry.User.Email, email?.Trim(), StringComparison.OrdinalIgnoreCase)
                && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(entry.User.Password), Encoding.UTF8.GetBytes(password ?? "")))
                return entry;
        }
        return null;
    }

    public (DevUser User, DevCompany Company)? FindByEmail(string? email) =>
        Users.Cast<(DevUser, DevCompany)?>().FirstOrDefault(e => string.Equals(e!.Value.Item1.Email, email, StringComparison.OrdinalIgnoreCase));

    public DevCompany? CompanyOfClient(string? clientId) =>
        ApiClients.Where(e => e.Client.ClientId == clientId).Select(e => e.Company).FirstOrDefault();
}
