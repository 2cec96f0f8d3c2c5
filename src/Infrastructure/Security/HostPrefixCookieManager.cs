using Microsoft.AspNetCore.Authentication.Cookies;

namespace Template.Infrastructure.Security;

/// <summary>
/// Writes <c>__Host-</c> cookies as such over HTTPS (Secure, path /, no domain) and without the prefix over plain
/// HTTP, where browsers refuse the prefix: local development on <c>http://localhost</c> keeps working.
/// </summary>
internal sealed class HostPrefixCookieManager : ICookieManager
{
    private const string Prefix = "__Host-";
    private readonly ChunkingCookieManager inner = new();

    public string? GetRequestCookie(HttpContext context, string key) =>
        inner.GetRequestCookie(context, NameFor(context, key));

    public void AppendResponseCookie(HttpContext context, string key, string? value, CookieOptions options)
    {
        options.Path = "/";
        options.Domain = null;
        options.Secure = context.Request.IsHttps;
        inner.AppendResponseCookie(context, NameFor(context, key), value, options);
    }

    public void DeleteCookie(HttpContext context, string key, CookieOptions options)
    {
        options.Path = "/";
        options.Domain = null;
        options.Secure = context.Request.IsHttps;
        inner.DeleteCookie(context, NameFor(context, key), options);
    }

    public static string NameFor(HttpContext context, string key)
    {
        return !context.Request.IsHttps && key.StartsWith(Prefix, StringComparison.Ordinal)
            ? key[Prefix.Length..]
            : key;
    }
}
