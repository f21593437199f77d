using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace WebhookAdmin.EndToEnd.Support;

/// <summary>axe-core in the real browser, with the findings the README accepts (none today) and nothing else allowed.</summary>
public static class Accessibility
{
    /// <summary>Moderate or minor rule ids the README lists with the reason they stay; critical and serious never do.</summary>
    private static readonly HashSet<string> Accepted = [];

    /// <summary>Runs axe on the page as it is now and fails on any finding not accepted above; returns the counts by impact.</summary>
    public static async Task<string> AssertCleanAsync(IPage page, string where)
    {
        await EndToEndFixture.WaitForAnimationsAsync(page);
        var result = await page.RunAxe();
        var blocking = result.Violations
            .Where(v => v.Impact is "critical" or "serious" || !Accepted.Contains(v.Id))
            .ToList();
        Assert.True(blocking.Count == 0, $"axe on {where}:\n{Describe(blocking)}");
        return $"axe {where}: " + string.Join(", ", new[] { "critical", "serious", "moderate", "minor" }
            .Select(impact => $"{result.Violations.Where(v => v.Impact == impact).Sum(v => v.Nodes.Length)} {impact}"));
    }

    private static string Describe(IEnumerable<AxeResultItem> violations) => string.Join("\n", violations.Select(v =>
        $"  {v.Impact} {v.Id} ({v.Help}): " + string.Join(" | ", v.Nodes.Take(5).Select(n => $"{n.Target} {n.Html}"))));
}
