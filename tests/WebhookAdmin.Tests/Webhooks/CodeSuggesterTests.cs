using WebhookAdmin.Core.Webhooks;

namespace WebhookAdmin.Tests.Webhooks;

public sealed class CodeSuggesterTests
{
    [Theory]
    [InlineData("Work Orders Update", "work_orders_update")]
    [InlineData("Órdenes de compra #2", "ordenes_de_compra_2")]
    [InlineData("  Ünïcödé   Straße — Ærø  ", "unicode_strasse_aero")]
    [InlineData("already_a_code", "already_a_code")]
    [InlineData("CamelCase42", "camelcase42")]
    [InlineData("---", "webhook")]
    [InlineData("", "webhook")]
    [InlineData("日本語", "webhook")]
    public void Code_is_suggested_from_the_name(string name, string expected) =>
        Assert.Equal(expected, CodeSuggester.FromName(name));

    [Fact]
    public void Suggested_code_never_exceeds_the_maximum_length_nor_ends_with_an_underscore()
    {
        var code = CodeSuggester.FromName(string.Join(' ', Enumerable.Repeat("abcdefgh", 20)));

        Assert.True(code.Length <= CodeSuggester.MaxLength);
        Assert.False(code.EndsWith('_'));
        Assert.True(WebhookRules.IsValidCodeFormat(code));
    }

    [Fact]
    public void Taken_codes_get_the_next_free_numeric_suffix()
    {
        var taken = new HashSet<string> { "orders", "orders_2", "orders_3" };

        Assert.Equal("orders_4", CodeSuggester.MakeUnique("orders", taken.Contains));
        Assert.Equal("invoices", CodeSuggester.MakeUnique("invoices", taken.Contains));
    }

    [Fact]
    public void Suffix_fits_within_the_maximum_length()
    {
        var longCode = new string('a', CodeSuggester.MaxLength);

        var unique = CodeSuggester.MakeUnique(longCode, c => c == longCode);

        Assert.Equal(CodeSuggester.MaxLength, unique.Length);
        Assert.EndsWith("_2", unique);
    }
}
