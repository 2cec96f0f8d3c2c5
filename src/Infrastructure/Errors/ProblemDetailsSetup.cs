using Microsoft.AspNetCore.Localization;
using System.Diagnostics;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Template.Infrastructure.Http;

namespace Template.Infrastructure.Errors;

/// <summary>Makes every error response <c>application/problem+json</c> with a trace id.</summary>
public static class ProblemDetailsSetup
{
    public static IServiceCollection AddProblemResponses(this IServiceCollection services)
    {
        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            var http = context.HttpContext;
            context.ProblemDetails.Instance ??= $"{http.Request.Method} {http.Request.Path}";
            context.ProblemDetails.Extensions.TryAdd(
                "traceId",
                Activity.Current?.Id ?? http.TraceIdentifier);
            context.ProblemDetails.Detail ??= DescribeEmptyAnswer(context.ProblemDetails.Status, http);
            // The exception handler clears headers before writing; say again which language the messages are in.
            if (http.Features.Get<IRequestCultureFeature>() is { } culture)
            {
                http.Response.Headers.ContentLanguage = culture.RequestCulture.UICulture.Name;
            }
        });
        services.AddExceptionHandler<ProblemExceptionHandler>();

        // Minimal APIs only throw on bad input in Development by default and otherwise answer with an
        // empty 400; throwing everywhere lets one handler turn every binding failure into problem+json.
        services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        return services;
    }

    // Answers produced without an exception (routing, the body reader, the authorization middleware)
    // carry no message; say what went wrong so the client need not guess.
    private static string? DescribeEmptyAnswer(int? status, HttpContext http) => status switch
    {
        StatusCodes.Status404NotFound when http.Features.Get<IEndpointFeature>()?.Endpoint is null =>
            $"No endpoint matches {http.Request.Path}.",
        StatusCodes.Status405MethodNotAllowed =>
            $"The method {http.Request.Method} is not allowed on {http.Request.Path}.",
        StatusCodes.Status413PayloadTooLarge =>
            $"The request body exceeds the limit of {MaxRequestBodyBytes(http)} bytes.",
        StatusCodes.Status415UnsupportedMediaType =>
            $"The Content-Type '{http.Request.ContentType}' is not accepted here; send the body as application/json.",
        _ => null,
    };

    private static long MaxRequestBodyBytes(HttpContext http) =>
        http.RequestServices.GetRequiredService<IOptions<HttpLimitsOptions>>().Value.MaxRequestBodyBytes;

    public static IApplicationBuilder UseProblemResponses(this IApplicationBuilder app)
    {
        app.UseExceptionHandler();
        // Turns empty 4xx/5xx answers (unknown route, wrong method, bare 401/403) into problem+json.
        app.UseStatusCodePages();
        return app;
    }
}
