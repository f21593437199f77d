using System.Text;
using WebhookAdmin.Core;

namespace WebhookAdmin.Tests.Storage;

/// <summary>What every database stores: the rules for what people send and the cleaning of what receivers answer.</summary>
public sealed class StoredTextTests
{
    [Theory]
    [InlineData("plain name", false, false)]
    [InlineData("emoji 😀 and accents ñ", false, false)]
    [InlineData("nul\0", false, true)]
    [InlineData("line\nbreak", false, true)]
    [InlineData("line\nbreak\r\n\ttab", true, false)]
    [InlineData("nul\0", true, true)]
    [InlineData("bell\u0007", true, true)]
    [InlineData("c1 \u0085", true, true)]
    public void Control_characters_are_forbidden_line_breaks_only_where_allowed(string text, bool allowLineBreaks, bool forbidden) =>
        Assert.Equal(forbidden, StoredText.HasForbiddenCharacters(text, allowLineBreaks));

    [Fact]
    public void Half_a_surrogate_pair_is_forbidden_and_not_storable()
    {
        // Built here, not in an attribute: attribute strings are stored as UTF-8, which cannot hold half a pair.
        foreach (var text in new[] { "lone " + (char)0xD800 + " high", "lone low " + (char)0xDC00 })
        {
            Assert.True(StoredText.HasForbiddenCharacters(text, allowLineBreaks: true));
            Assert.False(StoredText.IsStorable(text));
        }
    }

    [Fact]
    public void A_valid_reply_is_kept_as_it_is()
    {
        Assert.Equal("{\"ok\":true} ñ 😀", StoredText.FromReceiver(Encoding.UTF8.GetBytes("{\"ok\":true} ñ 😀")));
    }

    [Fact]
    public void Invalid_utf8_alone_is_replaced_and_marked()
    {
        Assert.Equal("a\uFFFDb\n…[cleaned: invalid UTF-8 replaced with U+FFFD]", StoredText.FromReceiver([(byte)'a', 0xC0, (byte)'b']));
    }

    [Fact]
    public void An_exception_message_with_nul_is_cleaned_and_marked()
    {
        Assert.Equal("refused \uFFFD\n…[cleaned: NUL characters replaced with U+FFFD]", StoredText.Clean("refused \0"));
        Assert.Equal("fine", StoredText.Clean("fine"));
        Assert.True(StoredText.IsStorable(StoredText.Clean("half " + (char)0xD83D + " pair\0")));
    }

    [Theory]
    [InlineData(new byte[] { 0x61, 0xC3 }, 1)]
    [InlineData(new byte[] { 0x61, 0xE2, 0x82 }, 1)]
    [InlineData(new byte[] { 0x61, 0xE2, 0x82, 0xAC }, 4)]
    [InlineData(new byte[] { 0x61, 0xF0, 0x9F, 0x98 }, 1)]
    [InlineData(new byte[] { 0x61, 0x62 }, 2)]
    public void A_cut_answer_ends_before_a_character_it_would_split(byte[] bytes, int expected) =>
        Assert.Equal(expected, StoredText.CompleteLength(bytes));
}
