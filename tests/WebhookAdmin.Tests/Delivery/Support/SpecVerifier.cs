using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace WebhookAdmin.Tests.Delivery.Support;

/// <summary>
/// A receiver's check written from the Standard Webhooks specification alone (symmetric signatures), on purpose not
/// sharing code with the product's signer: content = "{webhook-id}.{webhook-timestamp}.{body}", key = base64 after
/// "whsec_", HMAC-SHA256, header = space-separated "v1,{base64}" entries, any one of which may match.
/// </summary>
public static class SpecVerifier
{
    public static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(5);

    /// <summary>Which of the signatures in the request verify with <paramref name="secret"/> (0 means it is not signed by it).</summary>
    public static int MatchingSignatures(ReceivedRequest request, string secret)
    {
        var id = request.Header("webhook-id");
        var timestamp = request.Header("webhook-timestamp");
        if (id.Length == 0 || !long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
            return 0;
        if ((DateTimeOffset.UtcNow - DateTimeOffset.FromUnixTimeSeconds(seconds)).Duration() > Tolerance)
            return 0;

        var keyText = secret.StartsWith("whsec_", StringComparison.Ordinal) ? secret.Substring("whsec_".Length) : secret;
        using var hmac = new HMACSHA256(Convert.FromBase64String(keyText));
        var expected = hmac.ComputeHash(Encoding.UTF8.GetBytes(id + "." + timestamp + "." + request.Body));

        var matches = 0;
        foreach (var entry in request.Header("webhook-signature").Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var comma = entry.IndexOf(',');
            if (comma < 0 || entry[..comma] != "v1")
                continue;
            var given = new byte[64];
            if (Convert.TryFromBase64String(entry[(comma + 1)..], given, out var length)
                && CryptographicOperations.FixedTimeEquals(given.AsSpan(0, length), expected))
                matches++;
        }
        return matches;
    }
}
