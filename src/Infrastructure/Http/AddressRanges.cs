using System.Net;

namespace Template.Infrastructure.Http;

/// <summary>Settings that list addresses (<c>10.0.0.5</c>) and networks (<c>10.0.0.0/8</c>): trusted proxies, gateways.</summary>
public static class AddressRanges
{
    public static bool IsAddressOrNetwork(string entry) => IPAddress.TryParse(entry, out _) || System.Net.IPNetwork.TryParse(entry, out _);
}
