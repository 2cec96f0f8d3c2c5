using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using Template.Infrastructure.RateLimiting;
using Template.Infrastructure.Redis;
using Template.Infrastructure.Validation;

namespace Template.Infrastructure.OpenApi;

/// <summary>
/// Documents every status the service's own steps can answer an operation with, so an endpoint declares only the
/// ones its handler decides (404, 409, 412): the validation status when it takes input, 401 and 403 when it asks
/// who the caller is, 413 and 415 with a body, 429 under a rate limit, 503 with Redis behind it. Every error
/// response refers to the problem schema the service sends; a 201 names its <c>Location</c> header.
/// </summary>
internal sealed class OperationResponses(
    IOptions<RequestValidationOptions> validation,
    IOptions<RateLimitingOptions> rateLimits,
    ServiceBackends backends) : IOpenApiOperationTransformer
{
    public Task TransformAsync(
        OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var description = context.Description;
        var document = context.Document;
        var request = OperationRequests.RequestType(description);
        var sources = description.ParameterDescriptions.Select(p => p.Source).ToList();
        var body = sources.Contains(BindingSource.Body) || sources.Contains(BindingSource.Form);
        var input = body || sources.Contains(BindingSource.Query) || sources.Contains(BindingSource.Header)
            || OperationRequests.HasValidator(context.ApplicationServices, request);

        var responses = operation.Responses ??= new OpenApiResponses();
        if (input)
        {
            Problem(responses, document, validation.Value.StatusCode);
        }

        if (OperationRequests.Policies(description) is not null)
        {
            var unauthorized = Problem(responses, document, StatusCodes.Status401Unauthorized);
            unauthorized.Headers![HeaderNames.WWWAuthenticate] = Header(
                "The scheme to authenticate with; error=\"invalid_token\" when the token sent was refused (RFC 6750).");
            Problem(responses, document, StatusCodes.Status403Forbidden);
        }

        if (body)
        {
            // A body that is not JSON at all is a 400 whatever status refused values get.
            Problem(responses, document, StatusCodes.Status400BadRequest);
            Problem(responses, document, StatusCodes.Status413PayloadTooLarge);
            Problem(responses, document, StatusCodes.Status415UnsupportedMediaType);
        }

        if (RateLimited(description))
        {
            var tooMany = Problem(responses, document, StatusCodes.Status429TooManyRequests);
            tooMany.Headers![HeaderNames.RetryAfter] = RetryAfter;
        }

        if (backends.UsesRedis)
        {
            var unavailable = Problem(responses, document, StatusCodes.Status503ServiceUnavailable);
            unavailable.Headers![HeaderNames.RetryAfter] = RetryAfter;
        }

        foreach (var (status, response) in responses)
        {
            if (int.TryParse(status, out var code) && code >= 400 && response is OpenApiResponse problem)
            {
                problem.Content = ProblemContent(document, code);
            }
            else if (status == "201" && response is OpenApiResponse created)
            {
                (created.Headers ??= new Dictionary<string, IOpenApiHeader>())[HeaderNames.Location] = Header(
                    "The address of what was created.", required: true, format: "uri-reference");
            }
        }

        operation.Responses = Sorted(responses);
        return Task.CompletedTask;
    }

    private static OpenApiHeader RetryAfter => Header("Seconds to wait before trying again.");

    private bool RateLimited(Microsoft.AspNetCore.Mvc.ApiExplorer.ApiDescription description)
    {
        var settings = rateLimits.Value;
        return settings.Enabled
            && !OperationRequests.Has<DisableRateLimitingAttribute>(description)
            && (!string.IsNullOrEmpty(settings.GlobalPolicy)
                || OperationRequests.Has<EnableRateLimitingAttribute>(description));
    }

    private OpenApiResponse Problem(OpenApiResponses responses, OpenApiDocument? document, int status)
    {
        var key = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (responses.TryGetValue(key, out var existing) && existing is OpenApiResponse response)
        {
            response.Headers ??= new Dictionary<string, IOpenApiHeader>();
            return response;
        }

        response = new OpenApiResponse
        {
            Description = ReasonPhrases.GetReasonPhrase(status),
            Content = ProblemContent(document, status),
            Headers = new Dictionary<string, IOpenApiHeader>(),
        };
        responses[key] = response;
        return response;
    }

    private Dictionary<string, OpenApiMediaType> ProblemContent(OpenApiDocument? document, int status) => new()
    {
        ["application/problem+json"] = new OpenApiMediaType
        {
            Schema = status == validation.Value.StatusCode || status == StatusCodes.Status400BadRequest
                ? ProblemSchemas.ValidationProblemReference(document)
                : ProblemSchemas.ProblemReference(document),
        },
    };

    private static OpenApiHeader Header(string description, bool required = false, string? format = null) => new()
    {
        Description = description,
        Required = required,
        Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = format },
    };

    private static OpenApiResponses Sorted(OpenApiResponses responses)
    {
        var sorted = new OpenApiResponses();
        foreach (var (status, response) in responses.OrderBy(r => r.Key, StringComparer.Ordinal))
        {
            sorted[status] = response;
        }

        return sorted;
    }
}
