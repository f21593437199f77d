namespace WebhookAdmin.Tests.Localization;

/// <summary>The repository these tests were built from: the folder above the binaries that holds WebhookAdmin.sln.</summary>
public static class SourceTree
{
    public static string Root { get; } = FindRoot();

    public static IEnumerable<string> Files(string folder, string pattern) =>
        Directory.EnumerateFiles(Path.Combine(Root, folder), pattern, SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}") && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}"))
            .Order(StringComparer.Ordinal);

    public static string Relative(string path) => Path.GetRelativePath(Root, path);

    private static string FindRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "WebhookAdmin.sln")))
                return folder.FullName;
        }
        throw new InvalidOperationException($"No WebhookAdmin.sln above {AppContext.BaseDirectory}.");
    }
}
