using System.Diagnostics;
using System.Net;
using Xunit.Abstractions;
using WebhookAdmin.Tests.Support;

namespace WebhookAdmin.Tests.ScaleOut;

/// <summary>Api:RateLimit is each company's budget across the cluster, not each instance's.</summary>
[Trait(TestStorage.Trait, TestStorage.PostgreSqlOnly)]
[Collection(SeparateProcesses.Name)]
public sealed class SharedRateLimitTests(ITestOutputHelper output)
{
    private const int Limit = 10;

    [Fact]
    public async Task Two_instances_together_let_a_company_make_its_limit_of_calls_a_second_not_twice_it()
    {
        string[] settings = ["--Webhooks:Delivery:Enabled=false", $"--Api:RateLimit:PermitsPerSecond={Limit}"];
        var folder = Directory.CreateTempSubdirectory("webhookadmin-ratelimit-").FullName;
        var database = await TestStorage.NewDatabaseAsync(folder);
        try
        {
            await using var first = await AppProcess.StartAsync(database, settings);
            await using var second = await AppProcess.StartAsync(database, settings);
            using var viaFirst = await first.ApiClientAsync();
            using var viaSecond = await second.ApiClientAsync();
            using var otherCompany = await second.ApiClientAsync("globex-platform", "globex-platform-secret");

            // Four callers, two on each instance, as fast as they are answered for four seconds.
            var elapsed = Stopwatch.StartNew();
            var perCaller = await Task.WhenAll(new[] { viaFirst, viaSecond, viaFirst, viaSecond }.Select(client => CallUntilAsync(client, elapsed, TimeSpan.FromSeconds(4))));
            var seconds = elapsed.Elapsed.TotalSeconds;

            var accepted = perCaller.Sum(c => c.Accepted);
            output.WriteLine($"{accepted} accepted, {perCaller.Sum(c => c.Refused)} refused in {seconds:N2} s");
            // The calls span at least 3 whole seconds and touch at most ceil(seconds) + 1: each second lets Limit through in all.
            // Counted per instance, it would let through about twice that.
            Assert.InRange(accepted, 3 * Limit, ((int)Math.Ceiling(seconds) + 1) * Limit);
            Assert.True(perCaller[0].Accepted + perCaller[2].Accepted > 0 && perCaller[1].Accepted + perCaller[3].Accepted > 0, "both instances let some calls through");
            Assert.True(perCaller.Sum(c => c.Refused) > accepted, "the callers asked for more than their limit");

            // The budget is the company's: another company calling meanwhile is not refused.
            using var other = await otherCompany.GetAsync("/api/v3/webhook/subscription");
            Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task<(int Accepted, int Refused)> CallUntilAsync(HttpClient client, Stopwatch elapsed, TimeSpan duration)
    {
        var (accepted, refused) = (0, 0);
        while (elapsed.Elapsed < duration)
        {
            using var answer = await client.GetAsync("/api/v3/webhook/subscription");
            if (answer.StatusCode == HttpStatusCode.OK)
                accepted++;
            else if (answer.StatusCode == HttpStatusCode.TooManyRequests)
            {
                refused++;
                Assert.InRange(int.Parse(answer.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture), 1, 1);
            }
            else
                Assert.Fail($"unexpected {(int)answer.StatusCode}");
        }
        return (accepted, refused);
    }
}
