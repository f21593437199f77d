using System.Net;
using System.Net.Http.Headers;
using System.Security.Claims;
using WebhookAdmin.Identity;
using WebhookAdmin.Tests.Support;

namespace WebhookAdmin.Tests.Identity;

/// <summary>A Bearer token checked once is not checked again on every call, and never honoured beyond what it was.</summary>
public sealed class ValidatedTokensTests(TestApp app) : IClassFixture<TestApp>
{
    private const string Subscriptions = "/api/v3/webhook/subscription";

    [Fact]
    public void A_validated_token_is_honoured_until_it_expires_and_never_longer_than_the_term()
    {
        var clock = new SteppedClock();
        using var tokens = new ValidatedTokens(clock);
        tokens.Remember("short", Principal("acme"), clock.GetUtcNow().UtcDateTime.AddSeconds(60));
        tokens.Remember("long", Principal("acme"), clock.GetUtcNow().UtcDateTime.AddHours(1));
        tokens.Remember("expired", Principal("acme"), clock.GetUtcNow().UtcDateTime.AddSeconds(-1));

        Assert.NotNull(tokens.Find("short"));
        Assert.NotNull(tokens.Find("long"));
        Assert.Null(tokens.Find("expired"));
        Assert.Null(tokens.Find("never seen"));

        clock.Advance(TimeSpan.FromSeconds(60));
        Assert.Null(tokens.Find("short"));
        Assert.NotNull(tokens.Find("long"));

        clock.Advance(ValidatedTokens.Term - TimeSpan.FromSeconds(60));
        Assert.Null(tokens.Find("long"));
    }

    [Fact]
    public void Each_call_gets_its_own_copy_of_the_principal()
    {
        var clock = new SteppedClock();
        using var tokens = new ValidatedTokens(clock);
        tokens.Remember("token", Principal("acme"), clock.GetUtcNow().UtcDateTime.AddMinutes(1));

        var first = tokens.Find("token")!;
        ((ClaimsIdentity)first.Identity!).AddClaim(new Claim("company", "globex"));

        Assert.Equal(["acme"], tokens.Find("token")!.FindAll("company").Select(c => c.Value));
    }

    [Fact]
    public async Task A_token_is_honoured_again_from_memory_and_a_forged_one_is_still_refused()
    {
        using var acme = await app.ApiClientAsync();
        var token = acme.DefaultRequestHeaders.Authorization!.Parameter!;

        using (var first = await acme.GetAsync(Subscriptions))
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.NotNull(app.Get<ValidatedTokens>().Find(token));
        using (var again = await acme.GetAsync(Subscriptions))
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);

        // The same header and payload with another signature: not the token validated, so it is checked, and refused.
        var parts = token.Split('.');
        var forgedSignature = (parts[2][0] == 'A' ? "B" : "A") + parts[2][1..];
        using var forger = app.Anonymous();
        forger.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", $"{parts[0]}.{parts[1]}.{forgedSignature}");
        using var forged = await forger.GetAsync(Subscriptions);
        Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
    }

    private static ClaimsPrincipal Principal(string company) => new(new ClaimsIdentity([new Claim("company", company)], "Bearer"));

    private sealed class SteppedClock : TimeProvider
    {
        private DateTimeOffset _now = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);

        public void Advance(TimeSpan by) => _now += by;

        public override DateTimeOffset GetUtcNow() => _now;
    }
}
