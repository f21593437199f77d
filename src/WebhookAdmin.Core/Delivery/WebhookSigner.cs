using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using WebhookAdmin.Core.Webhooks;

namespace WebhookAdmin.Core.Delivery;

/// <summary>
/// Standard Webhooks signatures (https://www.standardwebhooks.com, symmetric <c>v1</c>): HMAC-SHA256 over
/// <c>{webhook-id}.{webhook-timestamp}.{body}</c>, keyed with the base64 bytes after <c>whsec_</c>.
/// </summary>
public static class WebhookSigner
{
    public const string SecretPrefix = "whsec_";

    /// <summary>One <c>v1,&lt;base64&gt;</c> signature.</summary>
    public static string Sign(string secret, string messageId, long timestamp, string body) =>
        SignatureHeader([WebhookSecrets.KeyOf(secret)], messageId, timestamp, Encoding.UTF8.GetBytes(body));

    /// <summary>
    /// The <c>webhook-signature</c> header: one signature per key, space-separated, as the specification allows so that
    /// receivers keep verifying while they switch to a rotated secret. The signed content is assembled in one pooled
    /// buffer: this runs for every attempt.
    /// </summary>
    public static string SignatureHeader(IReadOnlyList<byte[]> keys, string messageId, long timestamp, ReadOnlySpan<byte> body)
    {
        Span<char> stamp = stackalloc char[20];
        timestamp.TryFormat(stamp, out var stampLength, provider: CultureInfo.InvariantCulture);
        var prefixLength = Encoding.UTF8.GetByteCount(messageId) + stampLength + 2;
        var buffer = ArrayPool<byte>.Shared.Rent(prefixLength + body.Length);
        try
        {
            var written = Encoding.UTF8.GetBytes(messageId, buffer);
            buffer[written++] = (byte)'.';
            written += Encoding.UTF8.GetBytes(stamp[..stampLength], buffer.AsSpan(written));
            buffer[written++] = (byte)'.';
            body.CopyTo(buffer.AsSpan(written));
            var content = buffer.AsSpan(0, written + body.Length);

            var header = new StringBuilder(keys.Count * 48);
            Span<byte> hash = stackalloc byte[HMACSHA256.HashSizeInBytes];
            foreach (var key in keys)
            {
                HMACSHA256.HashData(key, content, hash);
                if (header.Length > 0)
                    header.Append(' ');
                header.Append("v1,").Append(Convert.ToBase64String(hash));
            }
            return header.ToString();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
