using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Template.Infrastructure.Areas;

namespace Template.Tests.Support;

/// <summary>
/// The whole service plus the probe endpoints on Kestrel on a loopback port, for what the in-memory test server
/// lacks: real sockets, Kestrel's limits and headers, and an address a browser can reach.
/// </summary>
public static class KestrelHost
{
    /// <summary>Starts it in Development on <paramref name="port"/> with the test defaults and <paramref name="settings"/>.</summary>
    /// <param name="port">A free port, e.g. from <see cref="Loopback.FreePort"/>.</param>
    /// <param name="settings">Settings over the test defaults.</param>
    /// <param name="hostName"><c>127.0.0.1</c>, or <c>localhost</c> to listen on both loopback addresses.</param>
    public static WebApplicationFactory<Program> Start(int port, IDictionary<string, string?>? settings = null, string hostName = "127.0.0.1")
    {
        var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            builder.UseEnvironment("Development");
            // Where it listens, as dotnet run's --urls would say it (the Development issuer follows it).
            builder.UseSetting("urls", $"http://{hostName}:{port}");
            foreach (var (key, value) in TestHostSettings.For("Development", settings))
            {
                builder.UseSetting(key, value);
            }

            builder.ConfigureServices(services => services.AddEndpoint<ProbeEndpoints>());
        });
        factory.UseKestrel(kestrel =>
        {
            if (hostName == "localhost")
            {
                kestrel.ListenLocalhost(port);
            }
            else
            {
                kestrel.Listen(IPAddress.Loopback, port);
            }
        });
        factory.StartServer();
        return factory;
    }
}
