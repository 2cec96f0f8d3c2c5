using System.Collections.Immutable;
using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using Template.Infrastructure.RateLimiting;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Template.Infrastructure.Security.AuthorizationServer;

/// <summary>
/// The pass-through endpoints of the embedded server: OpenIddict validates each request (client, redirect address,
/// PKCE, scopes, codes and refresh tokens) and these decide who the tokens are for. Plus the login page.
/// </summary>
internal static class AuthorizationServerEndpoints
{
    public static void MapAuthorizationServer(this IEndpointRouteBuilder app)
    {
        app.MapMethods(
            "/" + AuthorizationEndpoints.Authorize, [HttpMethods.Get, HttpMethods.Post],
            (Delegate)AuthorizeAsync).ExcludeFromDescription();
        app.MapPost("/" + AuthorizationEndpoints.Token, (Delegate)IssueTokenAsync).ExcludeFromDescription()
            .RequireRateLimiting(RateLimitPolicies.Credentials);
        app.MapMethods(
            "/" + AuthorizationEndpoints.UserInfo, [HttpMethods.Get, HttpMethods.Post],
            (Delegate)UserInfoAsync).ExcludeFromDescription();
        app.MapMethods(
            "/" + AuthorizationEndpoints.Logout, [HttpMethods.Get, HttpMethods.Post],
            (Delegate)LogoutAsync).ExcludeFromDescription();
        app.MapGet(AuthorizationEndpoints.Login, (Delegate)ShowLoginPage).ExcludeFromDescription();
        // A form: the CSRF step checks its antiforgery token, signed in or not.
        app.MapPost(AuthorizationEndpoints.Login, (Delegate)LogInAsync).ExcludeFromDescription()
            .WithMetadata(new RequireAntiforgeryTokenAttribute())
            .RequireRateLimiting(RateLimitPolicies.Credentials);
    }

    private static async Task<IResult> AuthorizeAsync(
        HttpContext http,
        IUserDirectory users,
        IOptions<Security.AuthOptions> auth,
        IOpenIddictApplicationManager clients,
        IOptions<OpenIddict.Server.OpenIddictServerOptions> server,
        IDataProtectionProvider protection,
        TimeProvider clock)
    {
        if (await ReturnedErrorAsync(http, clients, server) is { } returned)
        {
            return returned;
        }

        if (RejectedRequest(http) is { } rejected)
        {
            return rejected;
        }

        var request = http.GetOpenIddictServerRequest()
            ?? throw new InvalidOperationException("Not an OpenID Connect request.");
        var login = await http.AuthenticateAsync(AuthSchemes.Login);
        var user = login.Succeeded && login.Principal.SubjectId() is { } id
            ? await users.FindByIdAsync(id, http.RequestAborted)
            : null;
        var signedInAt = SignedInAt(login.Principal);
        var reauthentication = new Reauthentication(protection, clock);
        // prompt=login and a max_age the sign-in is older than ask for the password again (OIDC Core 3.1.2.1),
        // once: a sign-in made after this request sent the user to the login page satisfies them.
        var stale = user is not null
            && (request.HasPromptValue(PromptValues.Login)
                || (request.MaxAge is { } maxAge && clock.GetUtcNow() - signedInAt > TimeSpan.FromSeconds(maxAge)))
            && !reauthentication.SignedInSince(http.Request, signedInAt);
        if (user is null || stale)
        {
            if (request.HasPromptValue(PromptValues.None))
            {
                return Results.Forbid(
                    Reject(OpenIddictConstants.Errors.LoginRequired, "The user is not signed in."),
                    [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
            }

            // Back here, with the same parameters, once the user has signed in.
            var parameters = http.Request.HasFormContentType
                ? await http.Request.ReadFormAsync(http.RequestAborted)
                : null;
            var query = ((IEnumerable<KeyValuePair<string, StringValues>>?)parameters ?? http.Request.Query)
                .Where(p => p.Key != Reauthentication.Parameter)
                .Append(new(Reauthentication.Parameter, reauthentication.Mark()));
            var returnUrl = http.Request.PathBase + http.Request.Path + QueryString.Create(query);
            return Results.Challenge(new AuthenticationProperties { RedirectUri = returnUrl }, [AuthSchemes.Login]);
        }

        var identity = Identify(user!, request.GetScopes(), auth.Value.EffectiveAudience, signedInAt);
        return Results.SignIn(
            new ClaimsPrincipal(identity), null, OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    private static async Task<IResult> IssueTokenAsync(
        HttpContext http, IUserDirectory users, IOptions<AuthorizationServerOptions> server,
        IOptions<Security.AuthOptions> auth)
    {
        var request = http.GetOpenIddictServerRequest()
            ?? throw new InvalidOperationException("Not an OpenID Connect request.");
        if (request.IsClientCredentialsGrantType())
        {
            // The client itself is the subject; its roles come from configuration.
            var client = server.Value.Clients.First(c => c.ClientId == request.ClientId);
            var identity = new ClaimsIdentity(
                Microsoft.IdentityModel.Tokens.TokenValidationParameters.DefaultAuthenticationType, Claims.Name,
                Claims.Role);
            identity.SetClaim(Claims.Subject, client.ClientId).SetClaim(
                Claims.Name, client.DisplayName ?? client.ClientId)
                .SetClaims(Claims.Role, [.. client.Roles]);
            identity.SetScopes(request.GetScopes()).SetResources(auth.Value.EffectiveAudience);
            identity.SetDestinations(_ => [Destinations.AccessToken]);
            return Results.SignIn(
                new ClaimsPrincipal(identity), null, OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        }

        // authorization_code or refresh_token: OpenIddict has already checked the code or refresh token, its client,
        // PKCE and that it was not used before. The user is read again so removed users and changed roles take effect.
        var granted = await http.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        var user = granted.Principal?.GetClaim(Claims.Subject) is { } subject
            ? await users.FindByIdAsync(subject, http.RequestAborted)
            : null;
        if (user is null)
        {
            return Results.Forbid(
                Reject(OpenIddictConstants.Errors.InvalidGrant, "The user no longer exists."),
                [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
        }

        var renewed =
            Identify(user, granted.Principal!.GetScopes(), auth.Value.EffectiveAudience, SignedInAt(granted.Principal));
        return Results.SignIn(
            new ClaimsPrincipal(renewed), null, OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    private static async Task<IResult> UserInfoAsync(HttpContext http, IUserDirectory users)
    {
        var token = await http.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        var user = token.Principal?.GetClaim(Claims.Subject) is { } subject
            ? await users.FindByIdAsync(subject, http.RequestAborted)
            : null;
        if (user is null)
        {
            return Results.Challenge(
                Reject(OpenIddictConstants.Errors.InvalidToken, "The user no longer exists."),
                [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
        }

        var principal = token.Principal!;
        var claims = new Dictionary<string, object?>(StringComparer.Ordinal) { [Claims.Subject] = user.Id };
        if (principal.HasScope(Scopes.Profile))
        {
            claims[Claims.Name] = user.Name;
        }

        if (principal.HasScope(Scopes.Email))
        {
            claims[Claims.Email] = user.Email;
        }

        if (principal.HasScope(Scopes.Roles))
        {
            claims[Claims.Role] = user.Roles;
        }

        return Results.Ok(claims);
    }

    private static async Task<IResult> LogoutAsync(HttpContext http)
    {
        if (RejectedRequest(http) is { } rejected)
        {
            return rejected;
        }

        await http.SignOutAsync(AuthSchemes.Login);
        // OpenIddict sends the browser on to the client's registered post_logout_redirect_uri, if it gave one.
        return Results.SignOut(
            new AuthenticationProperties { RedirectUri = "/" },
            [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
    }

    private static IResult ShowLoginPage(HttpContext http, IAntiforgery antiforgery, string? returnUrl) =>
        LoginPage(http, antiforgery, returnUrl, error: null, StatusCodes.Status200OK);

    private static async Task<IResult> LogInAsync(
        HttpContext http, IAntiforgery antiforgery, IUserDirectory users, TimeProvider clock)
    {
        if (!http.Request.HasFormContentType)
        {
            return Results.Problem(
                statusCode: StatusCodes.Status415UnsupportedMediaType, detail: "Post the login form.");
        }

        // The CSRF step has checked the form's antiforgery token: a login form posted from another site must not
        // sign the browser in as someone else.
        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var returnUrl = form["returnUrl"].ToString();
        var user = await users.CheckPasswordAsync(
            form["username"].ToString(), form["password"].ToString(), http.RequestAborted);
        if (user is null)
        {
            return LoginPage(
                http, antiforgery, returnUrl, "The user name or password is wrong.", StatusCodes.Status400BadRequest);
        }

        var identity = new ClaimsIdentity(
            [
                new Claim(Claims.Subject, user.Id),
                new Claim(Claims.Name, user.Name ?? user.Id),
                // When the password was given: auth_time in ID tokens, and what prompt=login and max_age judge.
                new Claim(
                    Claims.AuthenticationTime,
                    clock.GetUtcNow().ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ],
            AuthSchemes.Login,
            Claims.Name,
            Claims.Role);
        await http.SignInAsync(AuthSchemes.Login, new ClaimsPrincipal(identity));
        return Results.LocalRedirect(LocalUrls.IsLocal(returnUrl) ? returnUrl : "/");
    }

    private static DateTimeOffset SignedInAt(ClaimsPrincipal? login) =>
        long.TryParse(login?.FindFirst(Claims.AuthenticationTime)?.Value, out var seconds)
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : DateTimeOffset.MinValue;

    private static ClaimsIdentity Identify(
        ServiceUser user, ImmutableArray<string> scopes, string audience, DateTimeOffset signedInAt)
    {
        var identity = new ClaimsIdentity(
            Microsoft.IdentityModel.Tokens.TokenValidationParameters.DefaultAuthenticationType, Claims.Name,
            Claims.Role);
        identity.SetClaim(Claims.Subject, user.Id).SetClaim(Claims.Name, user.Name).SetClaim(Claims.Email, user.Email)
            .SetClaims(Claims.Role, [.. user.Roles]);
        if (signedInAt != DateTimeOffset.MinValue)
        {
            identity.SetClaim(Claims.AuthenticationTime, signedInAt.ToUnixTimeSeconds());
        }

        identity.SetScopes(scopes).SetResources(audience);
        identity.SetDestinations(claim => claim.Type switch
        {
            // Access tokens carry what authorization needs; identity tokens only what the granted scopes allow.
            Claims.Name when identity.HasScope(Scopes.Profile) =>
                [Destinations.AccessToken, Destinations.IdentityToken],
            Claims.Email when identity.HasScope(Scopes.Email) => [Destinations.AccessToken, Destinations.IdentityToken],
            Claims.Role when identity.HasScope(Scopes.Roles) => [Destinations.AccessToken, Destinations.IdentityToken],
            // When the user gave the password (OIDC Core 2: required with max_age), for the client alone.
            Claims.AuthenticationTime => [Destinations.IdentityToken],
            _ => [Destinations.AccessToken],
        });
        return identity;
    }

    /// <summary>
    /// An error in an authorization request whose client and redirect address are known good goes back to that
    /// address (RFC 6749 §4.1.2.1) with <c>state</c> and <c>iss</c> (RFC 9207), so the app can tell the user;
    /// only an error about the client or the address itself stays here (<see cref="RejectedRequest"/>).
    /// </summary>
    private static async Task<IResult?> ReturnedErrorAsync(
        HttpContext http, IOpenIddictApplicationManager clients,
        IOptions<OpenIddict.Server.OpenIddictServerOptions> server)
    {
        if (http.GetOpenIddictServerResponse() is not { Error: { } error } response
            || http.GetOpenIddictServerRequest() is not
                { ClientId: { Length: > 0 } clientId, RedirectUri: { Length: > 0 } redirect } request
            || await clients.FindByClientIdAsync(clientId, http.RequestAborted) is not { } client
            || !await clients.ValidateRedirectUriAsync(client, redirect, http.RequestAborted))
        {
            return null;
        }

        var parameters = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            [Parameters.Error] = error,
            [Parameters.ErrorDescription] = response.ErrorDescription,
            [Parameters.State] = request.State,
            [Parameters.Iss] = (server.Value.Issuer ?? new Uri(
                $"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}/")).AbsoluteUri,
        };
        var query = QueryString.Create(parameters.Where(p => !string.IsNullOrEmpty(p.Value)));
        // Where the response would have gone: the fragment for response_mode=fragment and for token responses.
        var fragment = request.ResponseMode == ResponseModes.Fragment
            || (request.ResponseMode is null
                && request.ResponseType?.Contains(ResponseTypes.Token, StringComparison.Ordinal) == true);
        var separator = fragment ? "#" : redirect.Contains('?', StringComparison.Ordinal) ? "&" : "?";
        return Results.Redirect(redirect + separator + query.Value![1..]);
    }

    /// <summary>The error OpenIddict found in a request it could not send back to the client, as
    /// problem+json.</summary>
    private static IResult? RejectedRequest(HttpContext http) =>
        http.GetOpenIddictServerResponse() is { Error: { } error } response
            ? Results.Problem(
                statusCode: StatusCodes.Status400BadRequest,
                title: "The authorization request is not valid.",
                detail: response.ErrorDescription,
                extensions: new Dictionary<string, object?>(StringComparer.Ordinal) { ["error"] = error })
            : null;

    private static AuthenticationProperties Reject(string error, string description) =>
        new(new Dictionary<string, string?>
    {
        [OpenIddictServerAspNetCoreConstants.Properties.Error] = error,
        [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = description,
    });

    /// <summary>
    /// No script, style or frame; the form may post only here, and the redirects that follow the post may lead only
    /// to the registered clients (browsers apply form-action to them too), a loopback address on any port.
    /// </summary>
    private static string LoginPagePolicy(HttpContext http)
    {
        var settings = http.RequestServices.GetRequiredService<IOptions<AuthorizationServerOptions>>().Value;
        var clients = settings.Clients
            .SelectMany(c => c.RedirectUris)
            .Select(uri => AuthorizationServerOptions.Resolve(uri, settings.Issuer))
            .Select(uri => LoopbackRedirects.IsLoopbackLiteral(uri)
                ? $"{uri.Scheme}://{uri.Host}:*"
                : uri.GetLeftPart(UriPartial.Authority))
            .Distinct(StringComparer.OrdinalIgnoreCase);
        var policy = $"default-src 'none'; form-action 'self' {string.Join(' ', clients)}; "
            + "frame-ancestors 'none'; base-uri 'none'";
        return policy.Replace("  ", " ", StringComparison.Ordinal);
    }

    private static IResult LoginPage(
        HttpContext http, IAntiforgery antiforgery, string? returnUrl, string? error, int status)
    {
        var tokens = antiforgery.GetAndStoreTokens(http);
        var message = error is null ? "" : $"<p role=\"alert\">{WebUtility.HtmlEncode(error)}</p>";
        var action = WebUtility.HtmlEncode(http.Request.PathBase + AuthorizationEndpoints.Login);
        var (field, token) = (WebUtility.HtmlEncode(tokens.FormFieldName), WebUtility.HtmlEncode(tokens.RequestToken));
        var html = $$"""
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Sign in</title>
            </head>
            <body>
            <main>
            <h1>Sign in</h1>
            {{message}}
            <form method="post" action="{{action}}">
            <input type="hidden" name="{{field}}" value="{{token}}">
            <input type="hidden" name="returnUrl" value="{{WebUtility.HtmlEncode(returnUrl ?? "/")}}">
            <p><label>User name <input name="username" autocomplete="username" required></label></p>
            <p><label>Password
              <input name="password" type="password" autocomplete="current-password" required></label></p>
            <p><button type="submit">Sign in</button></p>
            </form>
            </main>
            </body>
            </html>
            """;
        http.Response.Headers.CacheControl = new StringValues("no-store");
        http.Response.Headers.ContentSecurityPolicy = LoginPagePolicy(http);
        return Results.Content(html, "text/html; charset=utf-8", statusCode: status);
    }
}
