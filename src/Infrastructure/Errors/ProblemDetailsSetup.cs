using System.Diagnostics;
using Microsoft.AspNetCore.Http.Features;

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
            if (context.ProblemDetails.Status == StatusCodes.Status415UnsupportedMediaType)
            {
                context.ProblemDetails.Detail ??= $"The Content-Type '{http.Request.ContentType}' is not accepted here; send the body as application/json.";
            }
            else if (context.ProblemDetails.Status == StatusCodes.Status405MethodNotAllowed)
            {
                context.ProblemDetails.Detail ??= $"The method {http.Request.Method} is not allowed on {http.Request.Path}.";
            }
            else if (context.ProblemDetails.Status == StatusCodes.Status404NotFound
                && http.Features.Get<IEndpointFeature>()?.Endpoint is null)
            {
                context.ProblemDetails.Detail ??= $"No endpoint matches {http.Request.Path}.";
            }
        });
        services.AddExceptionHandler<ProblemExceptionHandler>();

        // Minimal APIs only throw on bad input in Development by default and otherwise answer with an
        // empty 400; throwing everywhere lets one handler turn every binding failure into problem+json.
        services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        return services;
    }

    public static IApplicationBuilder UseProblemResponses(this IApplicationBuilder app)
    {
        app.UseExceptionHandler();
        // Turns empty 4xx/5xx answers (unknown route, wrong method, bare 401/403) into problem+json.
        app.UseStatusCodePages();
        return app;
    }
}
