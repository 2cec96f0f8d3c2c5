using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace Template.Infrastructure.Http;

/// <summary>
/// Applies <see cref="HttpLimitsOptions.MaxRequestBodyBytes"/>: a declared Content-Length over the limit is
/// refused with 413 before any byte is read, and a chunked body is cut off by the server feature
/// once it passes the limit (the reader then throws a 413 that the exception handler maps).
/// </summary>
public sealed class RequestBodyLimitMiddleware(RequestDelegate next, IOptions<HttpLimitsOptions> options)
{
    private readonly long limit = options.Value.MaxRequestBodyBytes;

    public Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Request.ContentLength > limit)
        {
            throw new BadHttpRequestException(
                $"The request body is {context.Request.ContentLength} bytes; the limit is {limit} bytes.",
                StatusCodes.Status413PayloadTooLarge);
        }

        var feature = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (feature is { IsReadOnly: false })
        {
            feature.MaxRequestBodySize = limit;
        }

        return next(context);
    }
}
