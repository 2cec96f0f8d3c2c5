using Microsoft.AspNetCore.Antiforgery;
using Microsoft.Extensions.Options;

namespace Template.Infrastructure.Security;

/// <summary>CSRF protection (<c>Csrf</c> section).</summary>
public sealed class CsrfOptions
{
    public const string Section = "Csrf";

    /// <summary>The JavaScript-readable cookie holding the request token (the name Angular, axios and Laravel
    /// read).</summary>
    public const string TokenCookie = "XSRF-TOKEN";

    /// <summary>The header a script sends the token back in.</summary>
    public const string TokenHeader = "X-XSRF-TOKEN";

    /// <summary>The form field a plain HTML form sends the token back in.</summary>
    public const string TokenField = "__RequestVerificationToken";

    /// <summary>
    /// Path prefixes exempt from the check, e.g. <c>/webhooks</c> for callers that authenticate by a signature
    /// rather than by a browser's cookie. The embedded server's <c>/connect/*</c> endpoints are always exempt:
    /// the OAuth protocol (client authentication, PKCE, <c>state</c>) protects them, and they are meant to be
    /// reached from other sites.
    /// </summary>
    public List<string> ExcludedPaths { get; set; } = [];
}

/// <summary>
/// Refuses state-changing requests a browser could have been tricked into sending. A request is checked when it
/// uses POST, PUT, PATCH or DELETE and either carries the session cookie without a header credential (a bearer token
/// or the development header, which a browser never adds by itself) or goes to an endpoint that takes a form (the
/// login page). Checked means: not <c>Sec-Fetch-Site: cross-site</c>, and a valid antiforgery token in the
/// <c>X-XSRF-TOKEN</c> header or the form field, tied to the antiforgery cookie and to the signed-in user.
/// Session-authenticated reads get the token as the <c>XSRF-TOKEN</c> cookie. A caller named by a trusted gateway
/// is refused when the browser says the request is cross-site: the gateway may well know the caller by a cookie.
/// </summary>
public sealed class CsrfMiddleware(
    RequestDelegate next, IAntiforgery antiforgery, IOptions<CsrfOptions> options, SecurityFeatures features)
{
    private readonly PathString[] excluded =
    [
        .. options.Value.ExcludedPaths.Select(p => new PathString(p.TrimEnd('/'))),
        .. AuthenticationMode.CsrfExemptPaths,
    ];

    public async Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        var scheme = AuthenticationMode.SchemeFor(context, features);
        if (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method)
            || HttpMethods.IsOptions(request.Method) || HttpMethods.IsTrace(request.Method))
        {
            if (AuthenticationMode.CsrfCheckFor(scheme) == CsrfCheck.CrossSiteAndToken
                && context.User.Identity?.IsAuthenticated == true)
            {
                IssueToken(context);
            }

            await next(context);
            return;
        }

        var check = ChecksFor(context, scheme);
        if (check != CsrfCheck.None)
        {
            if (string.Equals(request.Headers["Sec-Fetch-Site"], "cross-site", StringComparison.OrdinalIgnoreCase))
            {
                throw new AntiforgeryValidationException(
                    "The browser says this request comes from another site (Sec-Fetch-Site: cross-site).");
            }

            if (check == CsrfCheck.CrossSiteAndToken)
            {
                // Throws AntiforgeryValidationException, answered as 403 problem+json of the CSRF type.
                await antiforgery.ValidateRequestAsync(context);
            }
        }

        await next(context);
    }

    /// <summary>Gives the request token to the page's scripts; the matching half stays in the HttpOnly antiforgery
    /// cookie.</summary>
    public void IssueToken(HttpContext context)
    {
        var tokens = antiforgery.GetAndStoreTokens(context);
        context.Response.Cookies.Append(CsrfOptions.TokenCookie, tokens.RequestToken!, new CookieOptions
        {
            HttpOnly = false,
            SameSite = SameSiteMode.Strict,
            Secure = context.Request.IsHttps,
            Path = "/",
            IsEssential = true,
        });
    }

    private CsrfCheck ChecksFor(HttpContext context, string scheme)
    {
        if (IsExcluded(context.Request.Path))
        {
            return CsrfCheck.None;
        }

        // A form is checked whoever sends it; otherwise the credential decides, as the default scheme chose it.
        return context.GetEndpoint()?.Metadata.GetMetadata<IAntiforgeryMetadata>()?.RequiresValidation == true
            ? CsrfCheck.CrossSiteAndToken
            : AuthenticationMode.CsrfCheckFor(scheme);
    }

    private bool IsExcluded(PathString path) =>
        Array.Exists(excluded, prefix => path.StartsWithSegments(prefix, StringComparison.OrdinalIgnoreCase));

}

/// <summary>What the CSRF step asks of a state-changing request.</summary>
public enum CsrfCheck
{
    None,

    /// <summary>Not <c>Sec-Fetch-Site: cross-site</c>.</summary>
    CrossSite,

    /// <summary>Not cross-site, and a valid antiforgery token.</summary>
    CrossSiteAndToken,
}
