using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using WebhookAdmin.Tests.Delivery.Support;
using WebhookAdmin.Tests.Support;

namespace WebhookAdmin.Tests.Receivers;

/// <summary>
/// The proof the issue asks for: the README's receiver, a process of its own, is killed between deliveries, more events
/// are sent and fail while it is down, and once restarted it ends with every event exactly once, in sequence order,
/// without an admin resending anything.
/// </summary>
public sealed class KilledReceiverTests(ReceiverLibraryTests.OneAttempt app) : IClassFixture<ReceiverLibraryTests.OneAttempt>
{
    private const string Subscriptions = "/api/v3/webhook/subscription";

    [Fact]
    public async Task A_receiver_killed_between_deliveries_ends_with_every_event_once_in_order_after_its_restart()
    {
        using var acme = await app.ApiClientAsync();
        var folder = Directory.CreateTempSubdirectory("webhookadmin-killed-receiver-").FullName;
        var port = TestApp.FreeTcpPort();
        var (webhookId, secret, key) = await ReceiverWebhook.CreateAsync(acme, "Killed receiver", $"http://127.0.0.1:{port}/webhooks");
        var handled = Path.Combine(folder, "handled.txt");
        string[] settings =
        [
            $"--urls=http://127.0.0.1:{port}", $"--Webhook:Secret={secret}", $"--Webhook:WebhookAdmin={app.BaseAddress}", $"--Webhook:WebhookId={webhookId}",
            $"--Webhook:ReceiverKey={key}", $"--Webhook:StateFile={Path.Combine(folder, "state.json")}", $"--HandledFile={handled}",
        ];
        try
        {
            using (var first = await SampleReceiver.StartAsync(port, settings))
            {
                await PublishAsync(acme, 1, 10);
                // Between deliveries: the tenth has been answered, so its handling and its state are behind it.
                await Eventually.WaitAsync(() => acme.GetFromJsonAsync<JsonElement[]>($"{Subscriptions}/logs/{webhookId}?limit=100"),
                    l => l!.Count(x => x.GetProperty("status").GetInt32() == 204) == 10, TimeSpan.FromSeconds(30), "ten deliveries answered");
                Assert.Equal(10, Lines(handled).Length);
                first.Kill();
            }

            // Down: these are sent, refused, and FAILED (one attempt each here), nobody resends them.
            await PublishAsync(acme, 11, 20);
            await Eventually.WaitAsync(() => acme.GetFromJsonAsync<JsonElement[]>($"{Subscriptions}/logs/{webhookId}?limit=100"),
                l => l!.Count(x => x.GetProperty("status").GetInt32() == 0 && x.GetProperty("retry").GetInt32() == 1) == 10, TimeSpan.FromSeconds(30), "ten failed deliveries");
            Assert.Equal(10, Lines(handled).Length);

            using (await SampleReceiver.StartAsync(port, settings))
            {
                await PublishAsync(acme, 21, 21);
                await Eventually.WaitAsync(() => Lines(handled).Length, n => n >= 21, TimeSpan.FromSeconds(30), "every event handled");
                await Task.Delay(500);
            }

            var lines = Lines(handled).Select(line => line.Split(' ', 3)).ToArray();
            Assert.Equal(Enumerable.Range(1, 21).Select(n => n.ToString()), lines.Select(l => l[0]));
            Assert.Equal(Enumerable.Range(1, 21), lines.Select(l => JsonDocument.Parse(l[2]).RootElement.GetProperty("n").GetInt32()));
            Assert.Equal(21, lines.Select(l => l[1]).Distinct().Count());
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static string[] Lines(string path) => File.Exists(path) ? File.ReadAllLines(path) : [];

    private static async Task PublishAsync(HttpClient api, int from, int to)
    {
        for (var n = from; n <= to; n++)
        {
            using var response = await api.PostAsJsonAsync("/api/v3/webhook/events", new { type = "COTUser", @event = "edit", data = new { n } });
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }
    }

    /// <summary><c>tests/WebhookAdmin.ReceiverSample</c> as a process: <c>dotnet WebhookAdmin.ReceiverSample.dll</c>, built beside the tests.</summary>
    private sealed class SampleReceiver : IDisposable
    {
        private readonly Process _process;
        private readonly ProcessOutput _output;

        private SampleReceiver(Process process)
        {
            _process = process;
            _output = ProcessOutput.Capture(process);
        }

        public static async Task<SampleReceiver> StartAsync(int port, IEnumerable<string> settings)
        {
            var dll = Path.Combine(AppContext.BaseDirectory, "WebhookAdmin.ReceiverSample.dll");
            var start = new ProcessStartInfo("dotnet") { WorkingDirectory = AppContext.BaseDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var argument in new[] { dll, "--Logging:LogLevel:Default=Warning" }.Concat(settings))
                start.ArgumentList.Add(argument);
            var receiver = new SampleReceiver(Process.Start(start)!);
            using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
            var deadline = Stopwatch.StartNew();
            while (true)
            {
                if (receiver._process.HasExited)
                    throw new InvalidOperationException($"The receiver exited with {receiver._process.ExitCode}:\n{receiver._output}");
                try
                {
                    // Any answer means it listens (a GET on the POST-only path is 405).
                    using var _ = await client.GetAsync($"http://127.0.0.1:{port}/webhooks");
                    return receiver;
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                }
                if (deadline.Elapsed > TimeSpan.FromSeconds(30))
                {
                    receiver.Kill();
                    throw new TimeoutException($"The receiver did not answer within 30 s:\n{receiver._output}");
                }
                await Task.Delay(100);
            }
        }

        /// <summary>SIGKILL: the process ends between two deliveries, with nothing written after its last.</summary>
        public void Kill()
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                _process.WaitForExit();
            }
        }

        public void Dispose()
        {
            Kill();
            _process.Dispose();
        }
    }
}
