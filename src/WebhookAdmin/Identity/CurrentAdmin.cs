using Microsoft.AspNetCore.Components.Authorization;

namespace WebhookAdmin.Identity;

/// <summary>The signed-in admin of this circuit and their company, for components that call the service layer.</summary>
public sealed class CurrentAdmin(AuthenticationStateProvider authentication, CompanyIdentity identity)
{
    public async Task<string> CompanyIdAsync() =>
        identity.CompanyOf((await authentication.GetAuthenticationStateAsync()).User);

    /// <summary>The admin's subject (<c>sub</c>) at the identity provider, or null when the principal carries none.</summary>
    public async Task<string?> UserIdAsync() =>
        CompanyIdentity.UserIdOf((await authentication.GetAuthenticationStateAsync()).User);

    public async Task<string> DisplayNameAsync() =>
        CompanyIdentity.DisplayNameOf((await authentication.GetAuthenticationStateAsync()).User);
}
