using WebhookAdmin.Components.UI;

namespace WebhookAdmin.Components.Tests.UI;

public sealed class UrlTextTests
{
    [Theory]
    [InlineData("https://www.server.com", "https://|www|.server|.com")]
    [InlineData("https://receiver.example/api/v2/hook?source=acme&tenant=1#top", "https://|receiver|.example/|api/|v2/|hook|?source|=acme|&tenant|=1|#top")]
    [InlineData("http://127.0.0.1:9/hook", "http://|127|.0|.0|.1:9/|hook")]
    [InlineData("nodots", "nodots")]
    [InlineData("", "")]
    public void Breaks_after_slashes_and_before_dots_and_query_signs_never_inside_a_word(string url, string expected)
    {
        var segments = UrlText.Segments(url);

        Assert.Equal(expected, string.Join("|", segments));
        Assert.Equal(url, string.Concat(segments));
    }
}
