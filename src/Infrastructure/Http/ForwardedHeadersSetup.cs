using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace Template.Infrastructure.Http;

/// <summary>Proxies whose <c>X-Forwarded-For</c>/<c>X-Forwarded-Proto</c> are believed (<c>ForwardedHeaders</c>
/// section).</summary>
public sealed class ProxyOptions
{
    public const string Section = "ForwardedHeaders";

    /// <summary>
    /// Addresses (<c>10.0.0.5</c>) or networks (<c>10.0.0.0/8</c>) of the proxies in front of the service. Empty (the
    /// default): forwarded headers are ignored and the client is the TCP peer, so a caller cannot choose its own
    /// address.
    /// </summary>
    public List<string> TrustedProxies { get; set; } = [];
}

public static class ForwardedHeadersSetup
{
    public static IServiceCollection AddTrustedProxies(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ProxyOptions>()
            .Bind(configuration.GetSection(ProxyOptions.Section))
            .Validate(
                proxies => proxies.TrustedProxies.TrueForAll(AddressRanges.IsAddressOrNetwork),
                "ForwardedHeaders:TrustedProxies holds an entry that is neither an IP address nor a network "
                + "such as 10.0.0.0/8.")
            .ValidateOnStart();
        services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<ProxyOptions>>((forwarded, proxies) =>
        {
            forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            // ASP.NET Core trusts loopback by default; only what is configured is trusted here.
            forwarded.KnownProxies.Clear();
            forwarded.KnownIPNetworks.Clear();
            // Walk back through every trusted hop; the first untrusted one is the client.
            forwarded.ForwardLimit = null;
            var trusted = AddressRanges.Parse(proxies.Value.TrustedProxies);
            foreach (var address in trusted.Addresses)
            {
                forwarded.KnownProxies.Add(address);
            }

            foreach (var network in trusted.Networks)
            {
                forwarded.KnownIPNetworks.Add(network);
            }
        });
        return services;
    }

    public static IApplicationBuilder UseTrustedProxies(this IApplicationBuilder app)
    {
        if (app.ApplicationServices.GetRequiredService<IOptions<ProxyOptions>>().Value.TrustedProxies.Count == 0)
        {
            return app;
        }

        return app.UseForwardedHeaders();
    }
}
