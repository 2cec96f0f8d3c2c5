using Microsoft.Extensions.Options;

namespace Template.Infrastructure.Http;

/// <summary>Response headers that harden browsers' handling of the service (<c>SecurityHeaders</c> section).</summary>
public sealed class SecurityHeadersOptions
{
    public const string Section = "SecurityHeaders";

    /// <summary>
    /// The Content-Security-Policy of HTML pages (the API reference, the jobs dashboard) that set none of their
    /// own. Those pages carry inline scripts and styles, hence <c>'unsafe-inline'</c>; nothing is loaded from
    /// elsewhere, and no page may be framed. The login page sends a stricter one of its own.
    /// </summary>
    public string PageContentSecurityPolicy { get; set; } =
        "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
        + "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; "
        + "form-action 'self'; frame-ancestors 'none'";

    /// <summary>HSTS max-age, sent on HTTPS responses outside Development. Default one year.</summary>
    public TimeSpan HstsMaxAge { get; set; } = TimeSpan.FromDays(365);

    public bool HstsIncludeSubDomains { get; set; } = true;
}

/// <summary>
/// Adds the headers as the response starts, so error responses written by the exception handler (which clears
/// headers) carry them too.
/// </summary>
public sealed class SecurityHeadersMiddleware(RequestDelegate next, IOptions<SecurityHeadersOptions> options)
{
    /// <summary>For everything that is not a page: nothing may load, run or frame it.</summary>
    public const string ApiContentSecurityPolicy = "default-src 'none'; frame-ancestors 'none'";

    private readonly string pagePolicy = options.Value.PageContentSecurityPolicy;

    public Task InvokeAsync(HttpContext context)
    {
        context.Response.OnStarting(static state =>
        {
            var (response, pagePolicy) = ((HttpResponse, string))state;
            var headers = response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "no-referrer";
            headers.XFrameOptions = "DENY";
            headers["Cross-Origin-Opener-Policy"] = "same-origin";
            if (string.IsNullOrEmpty(headers.ContentSecurityPolicy))
            {
                var html = response.ContentType?.StartsWith("text/html", StringComparison.OrdinalIgnoreCase) == true;
                headers.ContentSecurityPolicy = html ? pagePolicy : ApiContentSecurityPolicy;
            }

            return Task.CompletedTask;
        }, (context.Response, pagePolicy));
        return next(context);
    }
}
