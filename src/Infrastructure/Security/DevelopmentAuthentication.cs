using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Template.Infrastructure.Security;

/// <summary>
/// Development-only authentication for trying the API by hand: the caller names itself in the
/// <c>X-Dev-User</c> header (roles in <c>X-Dev-Roles</c>, comma separated). Off unless
/// <c>Authentication:Development:Enabled</c> is true, and refused at start-up outside Development.
/// </summary>
public sealed class DevelopmentAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Development";
    public const string UserHeader = "X-Dev-User";
    public const string RolesHeader = "X-Dev-Roles";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var user = Request.Headers[UserHeader].ToString();
        if (string.IsNullOrWhiteSpace(user))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var claims = new List<Claim> { new("sub", user.Trim()), new(ClaimTypes.Name, user.Trim()) };
        foreach (var role in Request.Headers[RolesHeader].ToString().Split(
            ',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            claims.Add(new Claim(ClaimTypes.Role, role));
        }

        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName, ClaimTypes.Name, ClaimTypes.Role));
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName)));
    }
}

/// <summary>Options of the development authentication stand-in (<c>Authentication:Development</c>).</summary>
public sealed class DevelopmentAuthenticationOptions
{
    public const string Section = "Authentication:Development";

    /// <summary>Accept the <c>X-Dev-User</c> header as the caller's identity.</summary>
    public bool Enabled { get; set; }
}

/// <summary>Stops start-up when the header-based stand-in is switched on outside Development.</summary>
public sealed class DevelopmentAuthenticationOptionsValidator(IHostEnvironment environment)
    : IValidateOptions<DevelopmentAuthenticationOptions>
{
    public ValidateOptionsResult Validate(string? name, DevelopmentAuthenticationOptions options)
    {
        return options.Enabled && !environment.IsDevelopment()
            ? ValidateOptionsResult.Fail(
                $"{DevelopmentAuthenticationOptions.Section}:Enabled is true in the "
                + $"'{environment.EnvironmentName}' environment; the header-based development scheme trusts any "
                + "caller and may only run in Development.")
            : ValidateOptionsResult.Success;
    }
}
