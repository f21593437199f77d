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
        {
            var first = addresses.FirstOrDefault() ?? IPAddress.None;
            throw new DeliveryConnectException(
                $"blocked: {host} resolves to {first}, a {BlockedReason(first) ?? "unusable"} address; deliveries to internal networks are off (Webhooks:Delivery:AllowPrivateNetworks).");
        }

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
                [100, >= 64 and <= 127, ..] => "shared (CGNAT)",
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
        return null;
    }

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
