using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Template.Infrastructure.Security.AuthorizationServer;

/// <summary>
/// The embedded OAuth 2.0 / OpenID Connect server (<c>AuthorizationServer</c> section). On unless it is switched off
/// or <c>Auth:Authority</c> names an outside provider.
/// </summary>
public sealed class AuthorizationServerOptions : IValidatableObject
{
    public const string Section = "AuthorizationServer";

    /// <summary>
    /// The public base address tokens name as their issuer, e.g. <c>https://orders.example.com/</c>. Empty in
    /// Development: the address the service is told to listen on (<see cref="FollowTheServedAddress"/>).
    /// </summary>
    public Uri? Issuer { get; set; }

    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00")]
    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(15);

    [Range(typeof(TimeSpan), "00:05:00", "90.00:00:00")]
    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromDays(14);

    [Range(typeof(TimeSpan), "00:00:10", "00:10:00")]
    public TimeSpan AuthorizationCodeLifetime { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How long finished tokens and authorizations are kept (for replay detection) before the hourly prune
    /// removes them.</summary>
    [Range(typeof(TimeSpan), "01:00:00", "365.00:00:00")]
    public TimeSpan PruneAfter { get; set; } = TimeSpan.FromDays(14);

    /// <summary>
    /// How long an access token's status (valid, revoked) is remembered, so a request with a token does not read the
    /// database. A change to the tokens forgets every remembered status at once, on every instance in Redis mode;
    /// this bounds only how late another instance learns of one whose message Redis lost. <c>00:00:00</c>: read on
    /// every request.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00")]
    public TimeSpan TokenStatusCacheDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>A PKCS#12 (.pfx) file with the RSA or ECDSA key that signs tokens. Empty: a development certificate
    /// (refused in Production).</summary>
    public string? SigningCertificatePath { get; set; }

    /// <summary>The password of <see cref="SigningCertificatePath"/>; keep it in user-secrets or the
    /// environment.</summary>
    public string? SigningCertificatePassword { get; set; }

    public IList<OAuthClientOptions> Clients { get; } = [];

    /// <summary>
    /// The public client the API reference (<c>/scalar/v1</c>, Development) signs in with, authorization code + PKCE
    /// at its first redirect address; empty: the reference page asks for a token instead.
    /// </summary>
    public string? ApiReferenceClient { get; set; }

    /// <summary>Users who can sign in on the login page, for development only (refused in Production).</summary>
    public IList<DevelopmentUser> Users { get; } = [];

    /// <summary>
    /// In Development, an empty <see cref="Issuer"/> becomes the first address the service listens on (<c>urls</c>, as
    /// <c>dotnet run</c>, <c>--urls</c> or <c>ASPNETCORE_URLS</c> set it, else <c>http_ports</c>, else Kestrel's
    /// default), so clients find the metadata wherever the service is run. Elsewhere the issuer must be configured.
    /// </summary>
    public void FollowTheServedAddress(IConfiguration configuration, IHostEnvironment environment)
    {
        if (!environment.IsDevelopment() || Issuer is { IsAbsoluteUri: true })
        {
            return;
        }

        var urls = configuration["urls"]?.Split(
            ';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];
        var ports = configuration["http_ports"]?.Split(
            ';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];
        var address = urls.FirstOrDefault()
            ?? (ports.FirstOrDefault() is { } port ? $"http://localhost:{port}" : "http://localhost:5000");
        // A wildcard host is every interface; the loopback name reaches it from this machine.
        var served = new UriBuilder(address.Replace("://*", "://localhost", StringComparison.Ordinal)
            .Replace("://+", "://localhost", StringComparison.Ordinal));
        if (served.Host is "0.0.0.0" or "[::]" or "::")
        {
            served.Host = "localhost";
        }

        served.Path = "/";
        Issuer = served.Uri;
    }

    /// <summary>
    /// A client's redirect address: absolute, or a path on this service (<c>/auth/callback</c>) under the issuer.
    /// </summary>
    internal static Uri Resolve(Uri address, Uri? issuer) =>
        IsServicePath(address) && issuer is not null
            ? new Uri(issuer, address.OriginalString[1..])
            : address;

    // A path on this service as configured ("/auth/callback"); on Unix it parses as an absolute file URI.
    internal static bool IsServicePath(Uri address) => address.OriginalString.StartsWith('/');

    /// <summary>A public client with the authorization code grant and somewhere to return to.</summary>
    private static bool SignsInFromABrowser(OAuthClientOptions? client) =>
        client is { RedirectUris.Count: > 0 }
        && string.IsNullOrEmpty(client.ClientSecret)
        && client.Grants.Contains("authorization_code", StringComparer.Ordinal);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Issuer is null || !Issuer.IsAbsoluteUri)
        {
            yield return new ValidationResult(
                "AuthorizationServer:Issuer must be the service's absolute public address, "
                + "e.g. https://orders.example.com/.",
                [nameof(Issuer)]);
        }
        else if (Issuer.Scheme != Uri.UriSchemeHttps && !Issuer.IsLoopback)
        {
            yield return new ValidationResult(
                "AuthorizationServer:Issuer must use https unless it is a loopback address.", [nameof(Issuer)]);
        }

        foreach (var (client, index) in Clients.Select((c, i) => (c, i)))
        {
            foreach (var problem in client.Problems())
            {
                yield return new ValidationResult(
                    $"AuthorizationServer:Clients:{index} ({client.ClientId}): {problem}", [nameof(Clients)]);
            }
        }

        foreach (var duplicate in Clients.GroupBy(c => c.ClientId, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            yield return new ValidationResult(
                $"AuthorizationServer:Clients has the client id '{duplicate.Key}' more than once.", [nameof(Clients)]);
        }

        if (!string.IsNullOrEmpty(ApiReferenceClient)
            && !SignsInFromABrowser(Clients.FirstOrDefault(c => c.ClientId == ApiReferenceClient)))
        {
            yield return new ValidationResult(
                $"AuthorizationServer:ApiReferenceClient '{ApiReferenceClient}' must name a public client of "
                + "AuthorizationServer:Clients with the authorization_code grant and a redirect address.",
                [nameof(ApiReferenceClient)]);
        }

        foreach (var (user, index) in Users.Select((u, i) => (u, i)))
        {
            if (string.IsNullOrWhiteSpace(user.Id) || string.IsNullOrEmpty(user.Password))
            {
                yield return new ValidationResult(
                    $"AuthorizationServer:Users:{index} needs an Id and a Password.", [nameof(Users)]);
            }
        }
    }
}

[OptionsValidator]
internal sealed partial class AuthorizationServerValidator : IValidateOptions<AuthorizationServerOptions>;

/// <summary>A client application registered from configuration.</summary>
public sealed class OAuthClientOptions
{
    public string ClientId { get; set; } = "";

    /// <summary>Empty for a public client (a browser or native app), which must use the authorization code flow with
    /// PKCE.</summary>
    public string? ClientSecret { get; set; }

    public string? DisplayName { get; set; }

    /// <summary><c>client_credentials</c>, <c>authorization_code</c>, <c>refresh_token</c>.</summary>
    public IList<string> Grants { get; } = [];

    /// <summary>API scopes the client may ask for (OpenID scopes come with the authorization code flow).</summary>
    public IList<string> Scopes { get; } = [];

    /// <summary>Roles a client_credentials token carries, e.g. <c>admin</c> for an operator tool.</summary>
    public IList<string> Roles { get; } = [];

    public IList<Uri> RedirectUris { get; } = [];

    public IList<Uri> PostLogoutRedirectUris { get; } = [];

    internal IEnumerable<string> Problems()
    {
        string[] known = ["client_credentials", "authorization_code", "refresh_token"];
        if (string.IsNullOrWhiteSpace(ClientId))
        {
            yield return "ClientId is required.";
        }

        foreach (var grant in Grants.Where(g => !known.Contains(g, StringComparer.Ordinal)))
        {
            yield return $"the grant '{grant}' is not one of {string.Join(", ", known)}.";
        }

        if (Grants.Count == 0)
        {
            yield return "Grants lists none.";
        }

        if (string.IsNullOrEmpty(ClientSecret) && Grants.Contains("client_credentials", StringComparer.Ordinal))
        {
            yield return "client_credentials needs a ClientSecret.";
        }

        if (Grants.Contains("authorization_code", StringComparer.Ordinal) && RedirectUris.Count == 0)
        {
            yield return "authorization_code needs at least one RedirectUris entry.";
        }

        // A path on this service (/auth/callback) is resolved under the issuer.
        foreach (var uri in RedirectUris.Concat(PostLogoutRedirectUris).Where(
            u => AuthorizationServerOptions.IsServicePath(u)
                     ? u.OriginalString.Contains('#', StringComparison.Ordinal)
                     : !u.IsAbsoluteUri || !string.IsNullOrEmpty(u.Fragment)))
        {
            yield return
                $"the redirect address '{uri.OriginalString}' must be absolute or a path, and carry no fragment.";
        }
    }
}

/// <summary>A user of the login page, from configuration: development only.</summary>
public sealed class DevelopmentUser
{
    public string Id { get; set; } = "";
    public string? Name { get; set; }
    public string? Email { get; set; }
    public string Password { get; set; } = "";
    public IList<string> Roles { get; } = [];
}

/// <summary>
/// Refuses to start in Production with what is only fit for development: the development signing certificate,
/// users from configuration, or a client secret that is one of the shipped defaults or too short to be a secret.
/// </summary>
public sealed class AuthorizationServerProductionCheck(IHostEnvironment environment)
    : IValidateOptions<AuthorizationServerOptions>
{
    public const int MinimumSecretLength = 32;

    public ValidateOptionsResult Validate(string? name, AuthorizationServerOptions options)
    {
        if (!environment.IsProduction())
        {
            return ValidateOptionsResult.Success;
        }

        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.SigningCertificatePath))
        {
            failures.Add("AuthorizationServer:SigningCertificatePath is empty, so tokens would be signed with a "
                + "development certificate; configure a certificate for Production.");
        }

        if (options.Users.Count > 0)
        {
            failures.Add("AuthorizationServer:Users lists development users; in Production users come from your "
                + "own user directory (IUserDirectory).");
        }

        foreach (var client in options.Clients.Where(c => c.ClientSecret is { } secret
            && (Security.DevelopmentSecrets.Contains(secret) || secret.Length < MinimumSecretLength)))
        {
            failures.Add($"AuthorizationServer:Clients '{client.ClientId}' uses a development default or a secret "
                + $"shorter than {MinimumSecretLength} characters.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
