using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using Template.Infrastructure.Validation;

namespace Template.Infrastructure.OpenApi;

/// <summary>What the OpenAPI document says about the service as a whole (<c>OpenApi</c> section).</summary>
public sealed class OpenApiDocumentOptions
{
    public const string Section = "OpenApi";

    /// <summary>The document's title; empty: the application's name.</summary>
    public string? Title { get; set; }

    [Required]
    public string Description { get; set; } = "";

    [Required]
    public string LicenseName { get; set; } = "";

    /// <summary>An SPDX identifier such as <c>MIT</c>, or empty.</summary>
    public string? LicenseIdentifier { get; set; }
}

[OptionsValidator]
internal sealed partial class OpenApiDocumentValidator : IValidateOptions<OpenApiDocumentOptions>;

/// <summary>
/// The OpenAPI document at <c>/openapi/v1.json</c>: the framework describes the endpoints, and these transformers
/// make it say what the service really does (statuses, problem shapes, rules, security, required members).
/// </summary>
public static class OpenApiSetup
{
    public static IServiceCollection AddServiceOpenApi(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSettings<OpenApiDocumentOptions, OpenApiDocumentValidator>(OpenApiDocumentOptions.Section);
        services.AddOpenApi(openApi =>
        {
            openApi.AddSchemaTransformer<ContractSchemas>();
            openApi.AddSchemaTransformer<ValidationSchemaTransformer>();
            openApi.AddOperationTransformer<ValidationSchemaTransformer>();
            openApi.AddOperationTransformer<OperationResponses>();
            openApi.AddOperationTransformer<OperationSecurity>();
            openApi.AddDocumentTransformer<DocumentInfo>();
            openApi.AddDocumentTransformer<OperationSecurity>();
        });
        return services;
    }

    /// <summary>Describes the operations tagged <paramref name="tag"/> (an area's <c>WithTags</c>).</summary>
    public static IServiceCollection DescribeApiTag(this IServiceCollection services, string tag, string description) =>
        services.Configure<OpenApiOptions>("v1", openApi => openApi.AddDocumentTransformer((document, _, _) =>
        {
            foreach (var described in document.Tags?.Where(t => t.Name == tag) ?? [])
            {
                described.Description = description;
            }

            return Task.CompletedTask;
        }));
}

/// <summary><c>info</c> from settings, server URLs without a trailing slash, and the problem schemas.</summary>
internal sealed class DocumentInfo(IOptions<OpenApiDocumentOptions> options, IHostEnvironment environment)
    : IOpenApiDocumentTransformer
{
    public Task TransformAsync(
        OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        document.Info ??= new OpenApiInfo();
        document.Info.Title = string.IsNullOrWhiteSpace(settings.Title) ? environment.ApplicationName : settings.Title;
        document.Info.Description = settings.Description;
        document.Info.License = new OpenApiLicense
        {
            Name = settings.LicenseName,
            Identifier = string.IsNullOrWhiteSpace(settings.LicenseIdentifier) ? null : settings.LicenseIdentifier,
        };
        foreach (var server in document.Servers ?? [])
        {
            server.Url = server.Url?.TrimEnd('/');
        }

        ProblemSchemas.AddTo(document);
        return Task.CompletedTask;
    }
}
