using System.Net;
using System.Net.Sockets;

namespace WebhookAdmin.Core.Delivery;

/// <summary>
/// Opens the sender's TCP connections. It runs inside <see cref="SocketsHttpHandler.ConnectCallback"/>, after DNS,
/// on the very address the socket connects to, so neither DNS rebinding nor a hostname that resolves to an internal
/// address gets past it (redirects are not followed at all). Errors read like Node's, as the documented logs show them.
/// </summary>
public static class NetworkGuard
{
    public static async ValueTask<Stream> ConnectAsync(DnsEndPoint target, bool allowPrivateNetworks, CancellationToken cancellationToken)
    {
        var host = target.Host.Trim('[', ']');
        IPAddress[] addresses;
        if (IPAddress.TryParse(host, out var literal))
        {
            addresses = [literal];
        }
        else
        {
            try
            {
                addresses = await Dns.GetHostAddressesAsync(host, cancellationToken);
            }
            catch (SocketException e)
            {
                throw new DeliveryConnectException($"getaddrinfo {ErrorName(e.SocketErrorCode)} {host}", e);
            }
        }

        var allowed = allowPrivateNetworks ? addresses : addresses.Where(a => BlockedReason(a) is null).ToArray();
        if (allowed.Length == 0)
            throw new DeliveryConnectException(BlockedMessage(host, literal, addresses));

        SocketException? lastError = null;
        var lastAddress = allowed[0];
        foreach (var address in allowed)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, target.Port), cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException e)
            {
                socket.Dispose();
                (lastError, lastAddress) = (e, address);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }
        throw new DeliveryConnectException($"connect {ErrorName(lastError!.SocketErrorCode)} {lastAddress}:{target.Port}", lastError);
    }

    /// <summary>
    /// What the admin reads in the log. For an address they typed, its kind; for a name, only that it is refused: what an
    /// internal name resolves to (and so which internal ranges exist) is the operator's to know, not a tenant's.
    /// </summary>
    private static string BlockedMessage(string host, IPAddress? literal, IPAddress[] addresses) =>
        literal is not null
            ? $"blocked: {host} is a {BlockedReason(literal) ?? "unusable"} address, not allowed for deliveries (internal networks are off: Webhooks:Delivery:AllowPrivateNetworks)."
            : addresses.Length == 0
                ? $"blocked: {host} has no address to deliver to."
                : $"blocked: {host} resolves to an address not allowed for deliveries (internal networks are off: Webhooks:Delivery:AllowPrivateNetworks).";

    /// <summary>Why a delivery may not go to <paramref name="address"/>, or null when it is a public address.</summary>
    public static string? BlockedReason(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
            address = address.MapToIPv4();
        if (IPAddress.IsLoopback(address))
            return "loopback";
        var b = address.GetAddressBytes();
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            return b switch
            {
                [0, ..] => "unspecified",
                [10, ..] => "private",
                [172, >= 16 and <= 31, ..] => "private",
                [192, 168, ..] => "private",
                [169, 254, 169, 254] => "cloud metadata",
                [169, 254, ..] => "link-local",
                [100, 100, 100, 200] => "cloud metadata",
                // Azure's wire server (metadata, health, extension settings) answers every VM at this public-looking address.
                [168, 63, 129, 16] => "cloud metadata",
                [100, >= 64 and <= 127, ..] => "shared (CGNAT)",
                // RFC 2544 benchmarking: never on the internet, sometimes inside a data centre's own network.
                [198, 18 or 19, ..] => "benchmarking",
                [>= 224, ..] => "multicast or reserved",
                _ => null,
            };
        }
        if (address.Equals(IPAddress.IPv6Any))
            return "unspecified";
        if (address.IsIPv6LinkLocal)
            return "link-local";
        if (address.IsIPv6SiteLocal || (b[0] & 0xFE) == 0xFC)
            return b[0] == 0xFD && b[1] == 0x00 && b[2] == 0x0E && b[3] == 0xC2 ? "cloud metadata" : "private";
        if (address.IsIPv6Multicast)
            return "multicast or reserved";
        // Translators reach an IPv4 address through an IPv6 one: refused when the IPv4 address inside is.
        return EmbeddedIPv4(b).Select(BlockedReason).FirstOrDefault(reason => reason is not null) is { } embedded
            ? $"{embedded} (through NAT64, 6to4 or IPv4-compatible IPv6)"
            : null;
    }

    /// <summary>
    /// The IPv4 addresses an IPv6 address carries to a translator: NAT64's well-known prefix 64:ff9b::/96 (RFC 6052), its
    /// local-use 64:ff9b:1::/48 (RFC 8215, at every prefix length RFC 6052 allows, since the operator picks one), 6to4's
    /// 2002::/16 (RFC 3056) and the deprecated IPv4-compatible ::a.b.c.d.
    /// </summary>
    private static IEnumerable<IPAddress> EmbeddedIPv4(byte[] b)
    {
        if (b is [0x00, 0x64, 0xFF, 0x9B, 0, 0, 0, 0, 0, 0, 0, 0, ..])
            yield return new IPAddress(b.AsSpan(12, 4));
        if (b is [0x00, 0x64, 0xFF, 0x9B, 0x00, 0x01, ..])
        {
            // RFC 6052 §2.2 at /48, /56, /64 and /96: byte 8 is skipped (so /48 and /56 split the address around it) and
            // the bytes after the address are zero. A reading that lands in 0.0.0.0/8 is another length's zero padding.
            IPAddress?[] readings =
            [
                Zero(b, 11) ? new IPAddress([b[6], b[7], b[9], b[10]]) : null,
                Zero(b, 12) ? new IPAddress([b[7], b[9], b[10], b[11]]) : null,
                Zero(b, 13) ? new IPAddress(b.AsSpan(9, 4)) : null,
                b[8] == 0 ? new IPAddress(b.AsSpan(12, 4)) : null,
            ];
            foreach (var reading in readings)
            {
                if (reading is not null && reading.GetAddressBytes()[0] != 0)
                    yield return reading;
            }
        }
        if (b is [0x20, 0x02, ..])
            yield return new IPAddress(b.AsSpan(2, 4));
        if (b.AsSpan(0, 12).IndexOfAnyExcept((byte)0) < 0 && b.AsSpan(12).IndexOfAnyExcept((byte)0) >= 0)
            yield return new IPAddress(b.AsSpan(12, 4));
    }

    private static bool Zero(byte[] b, int from) => b.AsSpan(from).IndexOfAnyExcept((byte)0) < 0;

    /// <summary>The errno names Node prints (<c>ECONNREFUSED</c>…), which the documented log samples use.</summary>
    private static string ErrorName(SocketError error) => error switch
    {
        SocketError.ConnectionRefused => "ECONNREFUSED",
        SocketError.TimedOut => "ETIMEDOUT",
        SocketError.ConnectionReset => "ECONNRESET",
        SocketError.HostNotFound or SocketError.NoData => "ENOTFOUND",
        SocketError.TryAgain => "EAI_AGAIN",
        SocketError.NetworkUnreachable => "ENETUNREACH",
        SocketError.HostUnreachable => "EHOSTUNREACH",
        SocketError.AddressNotAvailable => "EADDRNOTAVAIL",
        _ => error.ToString(),
    };
}

/// <summary>A connection that could not be opened; its message is what the log's <c>response</c> shows.</summary>
public sealed class DeliveryConnectException(string message, Exception? inner = null) : IOException(message, inner);
