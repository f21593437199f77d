using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace WebhookAdmin.Tests.Localization;

/// <summary>
/// Every resource exists in every language: each <c>X.resx</c> (English, the neutral resources) has an <c>X.{language}.resx</c>
/// for every other language the app speaks, with the same keys, no empty value and the same placeholders.
/// </summary>
public sealed partial class ResourceParityTests
{
    private static readonly IReadOnlyList<string> OtherLanguages = WebhookAdmin.Localization.Languages.Supported.Where(l => l != WebhookAdmin.Localization.Languages.Default).ToList();

    public static TheoryData<string> NeutralResources() => [.. NeutralResourcePaths()];

    private static List<string> NeutralResourcePaths() =>
        [.. SourceTree.Files("src", "*.resx").Where(f => !CultureSuffix().IsMatch(f)).Select(SourceTree.Relative)];

    [Fact]
    public void The_app_has_resources_and_speaks_more_than_english()
    {
        var neutral = NeutralResourcePaths();
        Assert.Contains(Path.Combine("src", "WebhookAdmin", "Components", "AppText.resx"), neutral);
        Assert.Contains(Path.Combine("src", "WebhookAdmin", "Localization", "MudBlazorText.resx"), neutral);
        Assert.Contains(Path.Combine("src", "WebhookAdmin.Core", "Webhooks", "WebhookText.resx"), neutral);
        Assert.Contains("es", OtherLanguages);
    }

    [Theory]
    [MemberData(nameof(NeutralResources))]
    public void Every_key_exists_in_every_language_with_a_value_and_the_same_placeholders(string neutral)
    {
        var english = Read(neutral);
        Assert.All(english, e => Assert.False(string.IsNullOrWhiteSpace(e.Value), $"{neutral}: '{e.Key}' is empty."));
        foreach (var language in OtherLanguages)
        {
            var translated = Path.ChangeExtension(neutral, $".{language}.resx");
            Assert.True(File.Exists(Path.Combine(SourceTree.Root, translated)), $"{translated} is missing.");
            var other = Read(translated);

            Assert.True(english.Keys.Order().SequenceEqual(other.Keys.Order()),
                $"{translated} differs from {neutral}: only in English {Join(english.Keys.Except(other.Keys))}; only in {language} {Join(other.Keys.Except(english.Keys))}.");
            foreach (var (key, value) in english)
            {
                Assert.False(string.IsNullOrWhiteSpace(other[key]), $"{translated}: '{key}' is empty.");
                Assert.True(Placeholders(value).SequenceEqual(Placeholders(other[key])),
                    $"{translated}: '{key}' has placeholders {Join(Placeholders(other[key]))}, English has {Join(Placeholders(value))}.");
            }
        }
    }

    [Fact]
    public void No_translation_lacks_its_english()
    {
        var orphans = SourceTree.Files("src", "*.resx")
            .Where(f => CultureSuffix().IsMatch(f) && !File.Exists(CultureSuffix().Replace(f, ".resx")))
            .Select(SourceTree.Relative);

        Assert.Empty(orphans);
    }

    private static Dictionary<string, string> Read(string relative) =>
        XDocument.Load(Path.Combine(SourceTree.Root, relative)).Root!.Elements("data")
            .ToDictionary(d => (string)d.Attribute("name")!, d => (string?)d.Element("value") ?? "");

    /// <summary><c>{0}</c>, <c>{1:N0}</c>, MudBlazor's <c>{first_item}</c>: each language must fill in the same ones.</summary>
    private static IEnumerable<string> Placeholders(string text) =>
        Placeholder().Matches(text).Select(m => m.Groups[1].Value).Distinct().Order();

    private static string Join(IEnumerable<string> items) => "[" + string.Join(", ", items) + "]";

    [GeneratedRegex(@"\{([\w]+)(?::[^}]*)?\}")]
    private static partial Regex Placeholder();

    [GeneratedRegex(@"\.[a-z]{2}(-[A-Za-z0-9]+)?\.resx$")]
    private static partial Regex CultureSuffix();
}
