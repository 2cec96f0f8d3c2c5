using System.ComponentModel.DataAnnotations;
using System.Net;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Template.Infrastructure.Http;

namespace Template.Infrastructure.Security;

/// <summary>
/// The caller as named by the gateway in front of the service (<c>Gateway</c> section). The service checks no
/// credential itself: the gateway has, and it says who the caller is in <see cref="UserHeader"/>. Those headers are
/// believed only on connections from <see cref="TrustedGateways"/>.
/// </summary>
public sealed class GatewayIdentityOptions : IValidatableObject
{
    public const string Section = "Gateway";

    /// <summary>
    /// Addresses (<c>10.0.0.5</c>) or networks (<c>10.0.0.0/24</c>) of the gateways. Empty (the default): the headers
    /// are never believed and every caller is anonymous.
    /// </summary>
    public List<string> TrustedGateways { get; set; } = [];

    /// <summary>The header that carries the caller's stable id, which becomes <c>sub</c> (oauth2-proxy's name by
    /// default).</summary>
    public string UserHeader { get; set; } = "X-Forwarded-User";

    /// <summary>The header that carries the caller's roles, comma separated.</summary>
    public string RolesHeader { get; set; } = "X-Forwarded-Groups";

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!TrustedGateways.TrueForAll(AddressRanges.IsAddressOrNetwork))
        {
            yield return new ValidationResult(
                "Gateway:TrustedGateways holds an entry that is neither an IP address nor a network "
                + "such as 10.0.0.0/24.",
                [nameof(TrustedGateways)]);
        }

        if (string.IsNullOrWhiteSpace(UserHeader) || string.IsNullOrWhiteSpace(RolesHeader)
            || string.Equals(UserHeader, RolesHeader, StringComparison.OrdinalIgnoreCase))
        {
            yield return new ValidationResult(
                "Gateway:UserHeader and Gateway:RolesHeader must be two different header names.",
                [nameof(UserHeader), nameof(RolesHeader)]);
        }
    }
}

[OptionsValidator]
internal sealed partial class GatewayIdentityValidator : IValidateOptions<GatewayIdentityOptions>;

/// <summary>The gateways' addresses, parsed once.</summary>
public sealed class TrustedGateways(IOptions<GatewayIdentityOptions> options)
{
    private readonly AddressRanges gateways = AddressRanges.Parse(options.Value.TrustedGateways);

    public bool Contains(IPAddress? peer) => gateways.Contains(peer);
}

/// <summary>
/// Authenticates the caller the gateway names. A request that names nobody is anonymous. One that names somebody
/// from a connection that is not a trusted gateway, or names two, fails: a caller cannot choose who it is by
/// sending the header itself.
/// </summary>
public sealed class GatewayIdentityHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IOptions<GatewayIdentityOptions> gateway,
    TrustedGateways gateways) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Gateway";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var settings = gateway.Value;
        var users = Request.Headers[settings.UserHeader];
        if (users.Count == 0 || string.IsNullOrWhiteSpace(users.ToString()))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        // The connection's own peer, kept before X-Forwarded-For names the client (KeepConnectionPeer).
        var peer = Context.Features.Get<ConnectionPeer>()?.Address ?? Context.Connection.RemoteIpAddress;
        if (!gateways.Contains(peer))
        {
            return Task.FromResult(AuthenticateResult.Fail(
                $"{settings.UserHeader} came from {peer}, which is not in "
                + $"{GatewayIdentityOptions.Section}:TrustedGateways."));
        }

        if (users.Count > 1)
        {
            return Task.FromResult(AuthenticateResult.Fail($"{settings.UserHeader} was sent more than once."));
        }

        var user = users.ToString().Trim();
        var claims = new List<Claim> { new("sub", user), new(ClaimTypes.Name, user) };
        foreach (var role in Request.Headers[settings.RolesHeader].ToString().Split(
            ',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            claims.Add(new Claim(ClaimTypes.Role, role));
        }

        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName, ClaimTypes.Name, ClaimTypes.Role));
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName)));
    }
}

public static class GatewayIdentitySetup
{
    /// <summary>
    /// Registers the gateway scheme's settings. Returns the header that names the caller when gateways are
    /// configured (the scheme is then on), else null.
    /// </summary>
    public static string? AddGatewayIdentity(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSettings<GatewayIdentityOptions, GatewayIdentityValidator>(GatewayIdentityOptions.Section);
        services.AddSingleton<TrustedGateways>();
        services.AddTransient<IStartupFilter, KeepConnectionPeer>();
        var gateway = configuration.ReadSettings<GatewayIdentityOptions, GatewayIdentityValidator>(
            GatewayIdentityOptions.Section);
        return gateway.TrustedGateways.Count > 0 ? gateway.UserHeader : null;
    }
}

/// <summary>The address the connection itself comes from, whatever <c>X-Forwarded-For</c> says the client is.</summary>
public sealed record ConnectionPeer(IPAddress? Address);

/// <summary>
/// Keeps the connection's own peer first thing in the request flow, before the trusted-proxy step replaces the
/// remote address with the client's: the gateway check is about who connected, not who the client is.
/// </summary>
internal sealed class KeepConnectionPeer : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use((context, nextStep) =>
        {
            context.Features.Set(new ConnectionPeer(context.Connection.RemoteIpAddress));
            return nextStep(context);
        });
        next(app);
    };
}
