using System.Net;
using Microsoft.AspNetCore.Http;

namespace Digit.Backend.Api;

/// <summary>Who sent a request, as far as this server can tell: the key of per-client limits.</summary>
internal static class ClientAddress
{
    /// <summary>
    /// The connection's remote address; but when the connection comes from this machine and carries
    /// <c>X-Forwarded-For</c>, the last address in it, the one the proxy in front of us saw (the Functions host
    /// forwards every request to its worker over loopback and names the client so). A forwarded address from any
    /// other connection is not believed: anyone can write that header.
    /// </summary>
    public static string Of(HttpRequest request)
    {
        var remote = request.HttpContext.Connection.RemoteIpAddress;
        if ((remote is null || IPAddress.IsLoopback(remote)) && LastForwarded(request) is { } forwarded)
        {
            return Normal(forwarded);
        }
        return remote is null ? "unknown" : Normal(remote);
    }

    private static IPAddress? LastForwarded(HttpRequest request)
    {
        var values = request.Headers["X-Forwarded-For"];
        for (var i = values.Count - 1; i >= 0; i--)
        {
            var entries = values[i]?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];
            if (entries.Length > 0)
            {
                // An entry may carry a port ("203.0.113.7:51234", "[2001:db8::1]:443"), as Azure's front ends write it.
                return IPEndPoint.TryParse(entries[^1], out var endPoint) ? endPoint.Address : null;
            }
        }
        return null;
    }

    private static string Normal(IPAddress address) => (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).ToString();
}
