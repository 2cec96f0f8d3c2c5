using Microsoft.OpenApi;

namespace Template.Infrastructure.OpenApi;

/// <summary>
/// The two problem shapes (RFC 9457) every error response has, written out as the service sends them, in place of
/// the schemas generated from ASP.NET Core's <c>ProblemDetails</c> classes, which lack <c>traceId</c> and
/// <c>codes</c> and type <c>status</c> as a string too.
/// </summary>
internal static class ProblemSchemas
{
    public const string Problem = "Problem";
    public const string ValidationProblem = "ValidationProblem";

    private static readonly string[] Generated = ["ProblemDetails", "HttpValidationProblemDetails"];

    public static OpenApiSchemaReference ProblemReference(OpenApiDocument? document) => new(Problem, document);

    public static OpenApiSchemaReference ValidationProblemReference(OpenApiDocument? document) =>
        new(ValidationProblem, document);

    public static void AddTo(OpenApiDocument document)
    {
        document.Components ??= new OpenApiComponents();
        var schemas = document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>(StringComparer.Ordinal);
        foreach (var generated in Generated)
        {
            schemas.Remove(generated);
        }

        schemas[Problem] = Shape(validation: false);
        schemas[ValidationProblem] = Shape(validation: true);
    }

    private static OpenApiSchema Shape(bool validation)
    {
        var properties = new Dictionary<string, IOpenApiSchema>(StringComparer.Ordinal)
        {
            ["type"] = Text("What kind of problem this is.", "uri-reference"),
            ["title"] = Text("A short summary of the kind of problem."),
            ["status"] = new OpenApiSchema
            {
                Type = JsonSchemaType.Integer, Format = "int32", Minimum = "400", Maximum = "599",
            },
            ["detail"] = Text("What went wrong with this request."),
            ["instance"] = Text("The method and path of the request."),
            ["traceId"] = Text("The W3C trace id, as in the service's logs."),
        };
        var required = new HashSet<string>(StringComparer.Ordinal) { "type", "title", "status", "traceId" };
        if (validation)
        {
            properties["errors"] = Keyed(
                "Messages in the caller's language, keyed by the JSON path, parameter or header the client sent.");
            properties["codes"] = Keyed(
                "Stable error codes (such as required, type or maximum_length), keyed like errors.");
        }

        return new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Description = validation
                ? "A request the service refused: errors and codes name each refused value; "
                    + "a body that is not JSON at all has neither."
                : "An error (RFC 9457 problem details).",
            Properties = properties,
            Required = required,
        };
    }

    private static OpenApiSchema Text(string description, string? format = null) =>
        new() { Type = JsonSchemaType.String, Format = format, Description = description };

    private static OpenApiSchema Keyed(string description) => new()
    {
        Type = JsonSchemaType.Object,
        Description = description,
        MinProperties = 1,
        AdditionalProperties = new OpenApiSchema
        {
            Type = JsonSchemaType.Array,
            MinItems = 1,
            Items = new OpenApiSchema { Type = JsonSchemaType.String },
        },
    };
}
