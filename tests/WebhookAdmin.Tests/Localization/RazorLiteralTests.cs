namespace WebhookAdmin.Tests.Localization;

/// <summary>Every word a person reads in the admin UI comes from resources (see <see cref="RazorText"/> for what counts).</summary>
public sealed class RazorLiteralTests
{
    [Fact]
    public void No_razor_file_shows_text_that_is_not_from_resources()
    {
        var files = SourceTree.Files("src", "*.razor").ToList();
        Assert.NotEmpty(files);

        var findings = files
            .SelectMany(file => RazorText.Literals(File.ReadAllText(file)).Select(f => $"{SourceTree.Relative(file)}:{f.Line}: {f.Text}"))
            .ToList();

        Assert.True(findings.Count == 0, "Text not from resources (use IStringLocalizer, see README 'Languages'):\n" + string.Join("\n", findings));
    }

    [Theory]
    [InlineData("<MudText>Page not found</MudText>", "Page not found")]
    [InlineData("<MudTextField Label=\"Name\" Value=\"x\" />", "Label=\"Name\"")]
    [InlineData("<MudIconButton aria-label=\"Close log\" />", "aria-label=\"Close log\"")]
    [InlineData("<MudButton>@(_busy ? \"Saving…\" : T[\"Save\"])</MudButton>", "\"Saving…\"")]
    [InlineData("<span>@Log.Retry @(Log.Retry == 1 ? \"attempt\" : \"attempts\")</span>", "\"attempt\"")]
    [InlineData("<div>@if (x) { <span>Disabled</span> } else { <span>@T[\"Active\"]</span> }</div>", "Disabled")]
    [InlineData("@code { private string Title => \"Webhook not found\"; }", "\"Webhook not found\"")]
    [InlineData("@code { private RenderFragment Node => @<li aria-label=\"Expand node\">@T[\"Key\"]</li>; }", "aria-label=\"Expand node\"")]
    [InlineData("<MudText>@($\"{count} selected\")</MudText>", "\" selected\"")]
    [InlineData("<MudText>@(_saved ? \"saved\" : \"\")</MudText>", "\"saved\"")]
    [InlineData("<MudText>Saved.</MudText>", "Saved.")]
    public void Literal_text_is_found(string razor, string expected)
    {
        Assert.Contains(RazorText.Literals(razor), f => f.Text.Contains(expected.Trim('"').Trim()));
    }

    [Theory]
    [InlineData("<MudText Typo=\"Typo.h6\" Class=\"app-name\">WebhookAdmin</MudText>")]
    [InlineData("<MudTextField Label=\"@T[\"Name\"]\" HelperText=\"@T[\"NameHelp\"]\" data-testid=\"field-name\" />")]
    [InlineData("<th>#</th><td>@T[\"DurationMs\", attempt.DurationMs]</td>")]
    [InlineData("<MudMenu AriaLabel=\"@T[\"LanguageOf\", Languages.NativeName(Languages.Current)]\" />")]
    [InlineData("<div class=\"@(_dark ? \"app-dark\" : \"app-light\")\" aria-pressed=\"@(_dark ? \"true\" : \"false\")\"></div>")]
    [InlineData("<span>@T.Plural(node.Kind == JsonKind.Object ? \"Keys\" : \"Items\", node.Children.Count)</span>")]
    [InlineData("@* A comment says \"Deactivate 2 webhooks?\" *@<MudText>@T[\"X\"]</MudText>")]
    [InlineData("@code { /// <summary>A phone's screen, \"quoted\".</summary>\n private string Id => \"field-\" + Name.ToLowerInvariant(); }")]
    [InlineData("@inject IStringLocalizer<AppText> T\n@page \"/not-found\"\n<MudButton Href=\"/admin/webhooks\" Placeholder=\"https://\">@T[\"Go\"]</MudButton>")]
    [InlineData("@code { private string To => $\"account/login?returnUrl={Uri.EscapeDataString(Path)}\"; }")]
    [InlineData("<MudTextField Placeholder=\"https://\" Class=\"webhook-url\" />")]
    [InlineData("@switch (x)\n{\n case TriggerContext.Workflow:\n <MudItem />\n break;\n}")]
    [InlineData("@if (a) { <b>@T[\"A\"]</b> } else if (node.Kind == Kind(x.Y)) { <b>@T[\"B\"]</b> } else { <i>@node.Text</i> }")]
    public void Text_from_resources_code_and_the_product_name_pass(string razor)
    {
        Assert.Empty(RazorText.Literals(razor));
    }
}
