using System.Text.Json;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Template.Infrastructure.OpenApi;

/// <summary>
/// Schemas as the JSON really is: an enum is a string (enums are written and read by name), and a member that may
/// be null may also be left out, so it is not <c>required</c> (a request's rules add back what they require).
/// </summary>
internal sealed class ContractSchemas : IOpenApiSchemaTransformer
{
    public Task TransformAsync(
        OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        var type = Nullable.GetUnderlyingType(context.JsonTypeInfo.Type) ?? context.JsonTypeInfo.Type;
        if (type.IsEnum && schema.Enum is { Count: > 0 })
        {
            // One schema per enum, shared: where a member may be null, the framework puts the null beside it
            // (oneOf), so a null in the enum itself would match both branches and fail every null.
            schema.Type = JsonSchemaType.String;
            schema.Enum = [.. schema.Enum.Where(v => v is not null && v.GetValueKind() != JsonValueKind.Null)];
        }

        if (schema.Required is { Count: > 0 } required)
        {
            foreach (var property in context.JsonTypeInfo.Properties)
            {
                if (property.IsSetNullable && property.IsGetNullable)
                {
                    required.Remove(property.Name);
                }
            }
        }

        return Task.CompletedTask;
    }
}
