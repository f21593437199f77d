using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace WebhookAdmin.Receiving;

/// <summary>
/// Standard Webhooks symmetric signatures: HMAC-SHA256 of <c>{webhook-id}.{webhook-timestamp}.{body}</c> with the base64
/// key after <c>whsec_</c>; the header holds space-separated <c>v1,&lt;base64&gt;</c> entries, any one of which may match.
/// </summary>
internal sealed class SignatureVerifier
{
    private readonly byte[][] _keys;
    private readonly TimeSpan _tolerance;
    private readonly TimeProvider _clock;

    public SignatureVerifier(WebhookReceiverOptions options, TimeProvider? clock = null)
    {
        _keys = new[] { options.Secret, options.PreviousSecret }.Where(s => !string.IsNullOrEmpty(s)).Select(s => KeyOf(s!)).ToArray();
        if (_keys.Length == 0)
            throw new ArgumentException("A webhook signing secret (whsec_…) is needed to verify deliveries.", nameof(options));
        _tolerance = options.Tolerance;
        _clock = clock ?? TimeProvider.System;
    }

    /// <summary>Why the headers and body are not a genuine, fresh delivery; null when they are.</summary>
    public string? Problem(string? id, string? timestamp, string? signature, ReadOnlySpan<byte> body)
    {
        if (string.IsNullOrEmpty(id) || string.IsNullOrEmpty(timestamp) || string.IsNullOrEmpty(signature))
            return "webhook-id, webhook-timestamp and webhook-signature are required";
        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
            return "webhook-timestamp is not a number of seconds";
        var sent = DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(seconds, 0, 253_402_300_799));
        if ((_clock.GetUtcNow() - sent).Duration() > _tolerance)
            return "webhook-timestamp is too far from now (a replay, or a clock that is off)";

        var prefix = Encoding.UTF8.GetBytes($"{id}.{timestamp}.");
        var content = new byte[prefix.Length + body.Length];
        prefix.CopyTo(content, 0);
        body.CopyTo(content.AsSpan(prefix.Length));
        Span<byte> given = stackalloc byte[64];
        foreach (var key in _keys)
        {
            var expected = HMACSHA256.HashData(key, content);
            foreach (var entry in signature.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                if (entry.StartsWith("v1,", StringComparison.Ordinal)
                    && Convert.TryFromBase64String(entry[3..], given, out var length)
                    && CryptographicOperations.FixedTimeEquals(given[..length], expected))
                    return null;
            }
        }
        return "no signature matches the webhook's secret";
    }

    private static byte[] KeyOf(string secret) =>
        Convert.FromBase64String(secret.StartsWith("whsec_", StringComparison.Ordinal) ? secret["whsec_".Length..] : secret);
}
