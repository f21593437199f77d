using System.Diagnostics;
using System.Text;

namespace WebhookAdmin.Tests.Support;

/// <summary>
/// What a child process prints on stdout and stderr, kept whole for failure messages (it is read while the process
/// still writes, so under a lock); each line is also handed to an optional reader, such as one waiting for "ready".
/// </summary>
public sealed class ProcessOutput
{
    private readonly StringBuilder _text = new();
    private readonly Action<string>? _eachLine;

    private ProcessOutput(Action<string>? eachLine) => _eachLine = eachLine;

    /// <summary>Starts reading <paramref name="process"/>'s redirected output and error streams.</summary>
    public static ProcessOutput Capture(Process process, Action<string>? eachLine = null)
    {
        var output = new ProcessOutput(eachLine);
        process.OutputDataReceived += (_, e) => output.Append(e.Data);
        process.ErrorDataReceived += (_, e) => output.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return output;
    }

    public string Text
    {
        get
        {
            lock (_text)
                return _text.ToString();
        }
    }

    public override string ToString() => Text;

    private void Append(string? line)
    {
        if (line is null)
            return;
        lock (_text)
            _text.AppendLine(line);
        _eachLine?.Invoke(line);
    }
}

/// <summary>What the wrappers of the app's processes (tests, script runner, scale-out benchmark) do alike.</summary>
public static class ChildProcesses
{
    public const int SigInt = 2, SigTerm = 15;

    /// <summary>Sends a Unix signal (SIGTERM, SIGINT: what a service manager or a terminal sends); 0 when it was sent.</summary>
    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    public static extern int Signal(int pid, int signal);

    /// <summary>
    /// Waits until the app at <paramref name="baseAddress"/> answers its OpenID discovery document (it has started and
    /// migrated); fails with the process's output when it exits first or <paramref name="within"/> passes.
    /// </summary>
    public static async Task WaitUntilAnswersAsync(Process process, ProcessOutput output, Uri baseAddress, TimeSpan within, TimeSpan requestTimeout)
    {
        using var client = new HttpClient { BaseAddress = baseAddress, Timeout = requestTimeout };
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (process.HasExited)
                throw new InvalidOperationException($"The app exited with {process.ExitCode} before it was ready:\n{output}");
            try
            {
                using var response = await client.GetAsync("/.well-known/openid-configuration");
                if (response.IsSuccessStatusCode)
                    return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
            }
            if (deadline.Elapsed > within)
                throw new TimeoutException($"The app did not answer within {within.TotalSeconds:0} s:\n{output}");
            await Task.Delay(100);
        }
    }
}
