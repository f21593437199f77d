using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using WebhookAdmin.Tests.Support;

namespace WebhookAdmin.Tests.Operations;

/// <summary>Per-company API rate limits (Api:RateLimit:PermitsPerSecond), here set very low to see them act.</summary>
public sealed class RateLimitTests(RateLimitTests.App app) : IClassFixture<RateLimitTests.App>
{
    public sealed class App : TestApp
    {
        protected override IEnumerable<string> ExtraArguments => ["--Api:RateLimit:PermitsPerSecond=3"];
    }

    [Fact]
    public async Task Past_its_limit_a_company_gets_429_with_retry_after_and_another_company_is_not_held_back()
    {
        using var acme = await app.ApiClientAsync();
        using var globex = await app.ApiClientAsync("globex-platform", "globex-platform-secret");

        var answers = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => acme.GetAsync("/api/v3/webhook/subscription")));
        using var other = await globex.GetAsync("/api/v3/webhook/subscription");

        var refused = answers.Where(a => a.StatusCode == HttpStatusCode.TooManyRequests).ToArray();
        Assert.InRange(refused.Length, 1, 7);
        Assert.All(refused, r => Assert.InRange(int.Parse(r.Headers.GetValues("Retry-After").Single()), 1, 2));
        var problem = await refused[0].Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(429, problem.GetProperty("status").GetInt32());
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        foreach (var answer in answers)
            answer.Dispose();
    }
}
