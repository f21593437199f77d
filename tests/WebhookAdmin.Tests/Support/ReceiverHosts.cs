using Microsoft.AspNetCore.Builder;

namespace WebhookAdmin.Tests.Support;

/// <summary>The host of a stand-in receiver (the tests' and the benchmark's): Kestrel and routes, nothing else.</summary>
public static class ReceiverHosts
{
    /// <remarks>
    /// A receiver reads no settings. Left to reload them, the host watches every folder under the working directory
    /// (976 inotify watches from the repository's root; run from /tmp, each write to PostgreSQL's data folder woke it).
    /// </remarks>
    public static WebApplicationBuilder CreateBuilder() =>
        WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = ["--hostBuilder:reloadConfigOnChange=false"] });
}
