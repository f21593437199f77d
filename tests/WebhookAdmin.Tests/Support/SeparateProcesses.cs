namespace WebhookAdmin.Tests.Support;

/// <summary>
/// Tests that run the app in processes of their own load both cores for a while; they run alone, after the others,
/// so that tests measuring time (retry delays, timeouts) never share the machine with them.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SeparateProcesses
{
    public const string Name = "Separate processes";
}
