using System.Net;

namespace Template.Infrastructure.Http;

/// <summary>
/// A setting that lists addresses (<c>10.0.0.5</c>) and networks (<c>10.0.0.0/8</c>), parsed once: the trusted
/// proxies, the trusted gateways.
/// </summary>
public sealed class AddressRanges
{
    private AddressRanges(IPAddress[] addresses, System.Net.IPNetwork[] networks)
    {
        Addresses = addresses;
        Networks = networks;
    }

    public IReadOnlyList<IPAddress> Addresses { get; }

    public IReadOnlyList<System.Net.IPNetwork> Networks { get; }

    public static bool IsAddressOrNetwork(string entry) =>
        IPAddress.TryParse(entry, out _) || System.Net.IPNetwork.TryParse(entry, out _);

    /// <summary>Splits entries that passed <see cref="IsAddressOrNetwork"/> into addresses and networks.</summary>
    public static AddressRanges Parse(IEnumerable<string> entries)
    {
        var addresses = new List<IPAddress>();
        var networks = new List<System.Net.IPNetwork>();
        foreach (var entry in entries)
        {
            if (IPAddress.TryParse(entry, out var address))
            {
                addresses.Add(address);
            }
            else
            {
                networks.Add(System.Net.IPNetwork.Parse(entry));
            }
        }

        return new AddressRanges([.. addresses], [.. networks]);
    }

    /// <summary>Whether <paramref name="address"/> is listed or inside a listed network; an IPv4 address and its
    /// IPv6-mapped form are one.</summary>
    public bool Contains(IPAddress? address)
    {
        if (address is null)
        {
            return false;
        }

        address = Normalize(address);
        foreach (var listed in Addresses)
        {
            if (Normalize(listed).Equals(address))
            {
                return true;
            }
        }

        foreach (var network in Networks)
        {
            if (network.Contains(address))
            {
                return true;
            }
        }

        return false;
    }

    // A dual-stack socket reports an IPv4 peer as ::ffff:a.b.c.d.
    private static IPAddress Normalize(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
}
