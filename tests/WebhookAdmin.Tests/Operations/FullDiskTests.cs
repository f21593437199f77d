using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using WebhookAdmin.Tests.Delivery.Support;
using WebhookAdmin.Tests.Support;

namespace WebhookAdmin.Tests.Operations;

/// <summary>
/// SQLite's disk full (a 3 MiB tmpfs, mounted as root, which the tests run as), then grown: publishes answer a prompt
/// 503 while nothing can be written, 202 again once there is room, and every accepted event is delivered in order.
/// </summary>
[Trait(TestStorage.Trait, TestStorage.SqliteOnly)]
[Collection(SeparateProcesses.Name)]
public sealed class FullDiskTests(FullDiskTests.App app) : IClassFixture<FullDiskTests.App>
{
    private static readonly TimeSpan StoreTimeout = TimeSpan.FromSeconds(2);

    public sealed class App : TestApp
    {
        public string Disk { get; } = Directory.CreateTempSubdirectory("webhookadmin-disk-").FullName;

        protected override string AppConnectionString(string database)
        {
            Mount("-t", "tmpfs", "-o", "size=3m", "tmpfs", Disk);
            return $"Data Source={Path.Combine(Disk, "webhookadmin.db")}";
        }

        protected override IEnumerable<string> ExtraArguments => [$"--Webhooks:Events:StoreTimeout={StoreTimeout}"];

        protected override void AfterStop()
        {
            Run("umount", "-l", Disk);
            Directory.Delete(Disk);
        }

        public void Grow() => Mount("-o", "remount,size=64m", Disk);

        private static void Mount(params string[] arguments) => Run("mount", arguments);

        private static void Run(string command, params string[] arguments)
        {
            using var process = Process.Start(new ProcessStartInfo(command, arguments) { RedirectStandardError = true })!;
            var errors = process.StandardError.ReadToEnd();
            process.WaitForExit();
            Assert.True(process.ExitCode == 0, $"{command} {string.Join(' ', arguments)} failed (the tests run as root): {errors}");
        }
    }

    [Fact]
    public async Task Publishes_on_a_full_disk_answer_a_prompt_503_and_once_there_is_room_again_every_202_is_delivered_in_order()
    {
        await using var receiver = await Receiver.StartAsync();
        using var api = await app.ApiClientAsync();
        await TelemetryTests.CreateAsync(api, receiver.Url);
        var padding = new string('x', 60_000);
        var accepted = new List<int>();
        var answers = new List<(HttpStatusCode Status, TimeSpan Took, bool RetryAfter)>();
        var n = 0;

        async Task<HttpStatusCode> PublishAsync()
        {
            var started = Stopwatch.GetTimestamp();
            using var response = await api.PostAsJsonAsync("/api/v3/webhook/events", new { id = $"disk-{n}", type = "COTUser", @event = "edit", data = new { n, padding } });
            answers.Add((response.StatusCode, Stopwatch.GetElapsedTime(started), response.Headers.RetryAfter is not null));
            if (response.StatusCode == HttpStatusCode.Accepted)
                accepted.Add(n);
            n++;
            return response.StatusCode;
        }

        while (n < 200 && await PublishAsync() == HttpStatusCode.Accepted)
        {
        }
        for (var i = 0; i < 2; i++)
            await PublishAsync();
        var whileFull = answers.Count(a => a.Status == HttpStatusCode.ServiceUnavailable);
        app.Grow();
        for (var i = 0; i < 10; i++)
            await PublishAsync();

        Assert.Equal(3, whileFull);
        Assert.All(answers, a => Assert.True(a.Status is HttpStatusCode.Accepted or HttpStatusCode.ServiceUnavailable, $"answered {a.Status}"));
        Assert.All(answers, a => Assert.True(a.Took < StoreTimeout + TimeSpan.FromSeconds(2), $"took {a.Took}"));
        Assert.All(answers.Where(a => a.Status == HttpStatusCode.ServiceUnavailable), a => Assert.True(a.RetryAfter));
        Assert.All(answers.TakeLast(9), a => Assert.Equal(HttpStatusCode.Accepted, a.Status));
        await SteadyPublisher.AssertDeliveredInOrderAsync(receiver, accepted);
    }
}
