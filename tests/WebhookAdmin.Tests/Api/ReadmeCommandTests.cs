using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using WebhookAdmin.Tests.Support;

namespace WebhookAdmin.Tests.Api;

/// <summary>The README's shell commands, run as a reader would paste them, against a real app.</summary>
public sealed class ReadmeCommandTests(TestApp app) : IClassFixture<TestApp>
{
    [Fact]
    public async Task The_token_one_liner_yields_a_token_the_api_accepts()
    {
        // The token endpoint answers indented JSON ("access_token": "…"): the one-liner must read that, not only compact JSON.
        var command = TokenCommand().Replace("http://localhost:5080", app.BaseAddress.ToString().TrimEnd('/'));

        var token = (await RunBashAsync(command + "\nprintf %s \"$TOKEN\"")).Trim();

        Assert.Matches(@"^[\w-]+\.[\w-]+\.[\w-]+$", token);
        using var client = app.Anonymous();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await client.GetAsync("/api/v3/webhook/subscription");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    /// <summary>The README's <c>TOKEN=$(curl …)</c> command, its continuation lines included.</summary>
    private static string TokenCommand()
    {
        var lines = File.ReadAllLines(Path.Combine(RepositoryRoot(), "README.md"));
        var start = Array.FindIndex(lines, l => l.StartsWith("TOKEN=$(curl", StringComparison.Ordinal));
        Assert.True(start >= 0, "The README has no TOKEN=$(curl …) command.");
        var end = start;
        while (lines[end].EndsWith('\\'))
            end++;
        return string.Join("\n", lines[start..(end + 1)]);
    }

    private static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "WebhookAdmin.sln")))
                return folder.FullName;
        }
        throw new InvalidOperationException("Run the tests from inside the repository.");
    }

    private static async Task<string> RunBashAsync(string script)
    {
        using var bash = Process.Start(new ProcessStartInfo("bash", ["-c", script]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = await bash.StandardOutput.ReadToEndAsync();
        var error = await bash.StandardError.ReadToEndAsync();
        await bash.WaitForExitAsync();
        Assert.True(bash.ExitCode == 0, $"bash failed ({bash.ExitCode}): {error}");
        return output;
    }
}
