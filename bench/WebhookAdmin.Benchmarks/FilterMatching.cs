using System.Diagnostics;
using System.Text.Json;
using WebhookAdmin.Core;
using WebhookAdmin.Core.Events;
using WebhookAdmin.Core.Events.Catalogue;
using WebhookAdmin.Core.Webhooks;

namespace WebhookAdmin.Benchmarks;

/// <summary>
/// What payload filters cost the publish path: <see cref="EventMatcher.Matching"/> over a company's task webhooks, for
/// the catalogue's COTTask body, without filters (trigger and workflow only: the baseline) and with a three-condition
/// filter on every webhook. In memory, as publishing runs it: the directory holds the parsed filters.
/// </summary>
internal static class FilterMatching
{
    public const string Filter =
        """{"and":[{"path":"data.serial","op":"gte","value":1},{"path":"data.name","op":"contains","value":"Equipment"},{"path":"data.isActive","op":"eq","value":true}]}""";

    /// <returns>Nanoseconds per event × webhook without filters and with them, and bytes allocated per event without and with them.</returns>
    public static (double Baseline, double Filtered, double BaselineBytes, double FilteredBytes) Measure(int webhooks, int events)
    {
        var example = EventCatalogue.Find(WebhookTrigger.Task, CotEventNames.Create)!.Example;
        var data = example.GetProperty("data").Clone();
        var workflow = data.GetProperty("taskGroup").GetString()!;
        var plain = Webhooks(webhooks, workflow, filter: null);
        var filtered = Webhooks(webhooks, workflow, Filter);
        if (EventMatcher.Matching(filtered, CotEventTypes.Task, CotEventNames.Create, data).Length != webhooks)
            throw new InvalidOperationException("The benchmark's filter must let the example through, or it measures an early exit.");

        Run(plain, data, events / 10); // warm-up: tiered compilation
        Run(filtered, data, events / 10);
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        var baseline = Run(plain, data, events);
        var baselineBytes = (GC.GetAllocatedBytesForCurrentThread() - allocated) / (double)events;
        allocated = GC.GetAllocatedBytesForCurrentThread();
        var withFilters = Run(filtered, data, events);
        var filteredBytes = (GC.GetAllocatedBytesForCurrentThread() - allocated) / (double)events;
        return (baseline / ((double)events * webhooks), withFilters / ((double)events * webhooks), baselineBytes, filteredBytes);
    }

    private static double Run(IReadOnlyList<Webhook> webhooks, JsonElement data, int events)
    {
        var matched = 0;
        var started = Stopwatch.GetTimestamp();
        for (var i = 0; i < events; i++)
            matched += EventMatcher.Matching(webhooks, CotEventTypes.Task, CotEventNames.Create, data).Length;
        var elapsed = Stopwatch.GetElapsedTime(started);
        GC.KeepAlive(matched);
        return elapsed.TotalNanoseconds;
    }

    private static Webhook[] Webhooks(int count, string workflow, string? filter) => Enumerable.Range(0, count).Select(i => new Webhook
    {
        Id = $"{i:x24}",
        CompanyId = EventCatalogue.ExampleCompany,
        Trigger = WebhookTrigger.Task,
        Url = "https://receiver.example/hook",
        Name = $"Tasks {i}",
        Code = $"tasks_{i}",
        Context = new WebhookContext("", "", workflow),
        Filter = filter,
    }).ToArray();
}
