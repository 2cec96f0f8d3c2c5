namespace Template.Infrastructure.Errors;

/// <summary>The <c>type</c> URIs of the problems this service returns (RFC 9457).</summary>
public static class ProblemTypes
{
    public const string BadRequest = "https://tools.ietf.org/html/rfc9110#section-15.5.1";
    public const string Unauthorized = "https://tools.ietf.org/html/rfc9110#section-15.5.2";
    public const string Forbidden = "https://tools.ietf.org/html/rfc9110#section-15.5.4";

    /// <summary>A cookie-authenticated or form request without a valid antiforgery token (a 403 of its own
    /// kind).</summary>
    public const string Csrf = "urn:problem-type:csrf";
    public const string NotFound = "https://tools.ietf.org/html/rfc9110#section-15.5.5";
    public const string MethodNotAllowed = "https://tools.ietf.org/html/rfc9110#section-15.5.6";
    public const string Conflict = "https://tools.ietf.org/html/rfc9110#section-15.5.10";
    public const string PreconditionFailed = "https://tools.ietf.org/html/rfc9110#section-15.5.13";
    public const string ContentTooLarge = "https://tools.ietf.org/html/rfc9110#section-15.5.14";
    public const string UnsupportedMediaType = "https://tools.ietf.org/html/rfc9110#section-15.5.16";
    public const string TooManyRequests = "https://tools.ietf.org/html/rfc6585#section-4";
    public const string UnprocessableContent = "https://tools.ietf.org/html/rfc9110#section-15.5.21";
    public const string InternalServerError = "https://tools.ietf.org/html/rfc9110#section-15.6.1";
    public const string ServiceUnavailable = "https://tools.ietf.org/html/rfc9110#section-15.6.4";
}
