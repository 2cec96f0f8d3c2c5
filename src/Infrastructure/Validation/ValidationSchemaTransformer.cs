using System.Collections.Concurrent;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using FluentValidation;
using FluentValidation.Validators;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Template.Infrastructure.Validation.Rules;

namespace Template.Infrastructure.Validation;

/// <summary>
/// Shows the validators' rules in the OpenAPI document: <c>required</c>, <c>minLength</c>/<c>maxLength</c>,
/// <c>pattern</c>, <c>minimum</c>/<c>maximum</c>, <c>minItems</c>/<c>maxItems</c> and <c>format</c>, for request bodies
/// and
/// for parameters bound with <c>[AsParameters]</c>, whose names it spells as the errors do, required when a rule
/// requires them. A rule is found by the member it is written for, so a rule on <c>c =&gt; c.Body.Note</c> shows on
/// the body's <c>note</c>. Only unconditional rules are shown: a rule under <c>When</c> does not always apply.
/// </summary>
internal sealed class ValidationSchemaTransformer : IOpenApiSchemaTransformer, IOpenApiOperationTransformer
{
    private readonly ConcurrentDictionary<Type, IValidatorDescriptor?> descriptors = new();

    public Task TransformAsync(
        OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        var services = context.ApplicationServices;
        var container = context.ParameterDescription?.ModelMetadata?.ContainerType;

        if (context.JsonPropertyInfo is { AttributeProvider: PropertyInfo property }
            && property.DeclaringType is { } declaring)
        {
            // The property's own type's rules, and those the request it arrives in writes through it.
            var inherited = container is null ? [] : Rules(services, container, property);
            Describe(schema, [.. Rules(services, declaring, property), .. inherited]);
            return Task.CompletedTask;
        }

        if (context.ParameterDescription?.ModelMetadata is { PropertyName: { } parameter }
            && container?.GetProperty(parameter) is { } member)
        {
            Describe(schema, Rules(services, container, member));
            return Task.CompletedTask;
        }

        if (schema.Properties is { Count: > 0 } properties
            && Descriptor(services, context.JsonTypeInfo.Type) is not null)
        {
            foreach (var jsonProperty in context.JsonTypeInfo.Properties)
            {
                if (jsonProperty.AttributeProvider is PropertyInfo memberInfo
                    && properties.ContainsKey(jsonProperty.Name)
                    && Rules(services, context.JsonTypeInfo.Type, memberInfo).Any(IsRequiredKind))
                {
                    schema.Required ??= new HashSet<string>(StringComparer.Ordinal);
                    schema.Required.Add(jsonProperty.Name);
                }
            }
        }

        return Task.CompletedTask;
    }

    public Task TransformAsync(
        OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        foreach (var description in context.Description.ParameterDescriptions)
        {
            var parameter = operation.Parameters?.OfType<OpenApiParameter>()
                .FirstOrDefault(p => string.Equals(p.Name, description.Name, StringComparison.OrdinalIgnoreCase));
            if (parameter is null)
            {
                continue;
            }

            // Binding ignores case; errors name a query parameter in camelCase, and so does the document.
            if (parameter.In == ParameterLocation.Query && parameter.Name is { } bound
                && description.ModelMetadata?.PropertyName == bound)
            {
                parameter.Name = JsonNamingPolicy.CamelCase.ConvertName(bound);
            }

            if (description.ModelMetadata is { ContainerType: { } container, PropertyName: { } name }
                && container.GetProperty(name) is { } member
                && Rules(context.ApplicationServices, container, member).Any(IsRequiredKind))
            {
                parameter.Required = true;
            }
        }

        return Task.CompletedTask;
    }

    private static void Describe(OpenApiSchema schema, IReadOnlyList<IPropertyValidator> rules)
    {
        foreach (var rule in rules)
        {
            switch (rule)
            {
                case INotEmptyValidator when schema.Type?.HasFlag(JsonSchemaType.String) == true:
                    schema.MinLength = Math.Max(schema.MinLength ?? 0, 1);
                    break;
                case INotEmptyValidator when schema.Type?.HasFlag(JsonSchemaType.Array) == true:
                    schema.MinItems = Math.Max(schema.MinItems ?? 0, 1);
                    break;
                case IItemLimit limit:
                    schema.MaxItems = limit.Max;
                    break;
                case ILengthValidator length:
                    if (length.Min > 0)
                    {
                        schema.MinLength = length.Min;
                    }

                    if (length.Max > 0)
                    {
                        schema.MaxLength = length.Max;
                    }

                    break;
                case IRegularExpressionValidator regex:
                    schema.Pattern = regex.Expression;
                    break;
                case IBetweenValidator between:
                    var exclusive = rule.Name.StartsWith("Exclusive", StringComparison.Ordinal);
                    schema.Minimum = Number(between.From);
                    schema.Maximum = Number(between.To);
                    if (exclusive)
                    {
                        schema.ExclusiveMinimum = schema.Minimum;
                        schema.ExclusiveMaximum = schema.Maximum;
                    }

                    break;
                case IComparisonValidator { ValueToCompare: { } value } comparison:
                    switch (comparison.Comparison)
                    {
                        case Comparison.GreaterThanOrEqual:
                            schema.Minimum = Number(value);
                            break;
                        case Comparison.GreaterThan:
                            schema.ExclusiveMinimum = Number(value);
                            break;
                        case Comparison.LessThanOrEqual:
                            schema.Maximum = Number(value);
                            break;
                        case Comparison.LessThan:
                            schema.ExclusiveMaximum = Number(value);
                            break;
                    }

                    break;
                case IEmailValidator:
                    schema.Format ??= "email";
                    break;
                case ISchemaHint hint:
                    schema.Format = hint.Format ?? schema.Format;
                    schema.Pattern = hint.Pattern ?? schema.Pattern;
                    break;
            }
        }
    }

    private static bool IsRequiredKind(IPropertyValidator rule) => rule is INotNullValidator or INotEmptyValidator;

    private static string? Number(object? value) => value switch
    {
        null => null,
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };

    private IReadOnlyList<IPropertyValidator> Rules(IServiceProvider services, Type type, PropertyInfo member) =>
        Descriptor(services, type) is { } descriptor
            ? [.. descriptor.Rules
                .Where(r => r.Member is PropertyInfo ruled && ruled.Name == member.Name
                    && ruled.DeclaringType?.IsAssignableFrom(member.DeclaringType) == true)
                .SelectMany(r => r.Components)
                .Where(c => !c.HasCondition && !c.HasAsyncCondition)
                .Select(c => c.Validator)]
            : [];

    private IValidatorDescriptor? Descriptor(IServiceProvider services, Type type) =>
        descriptors.GetOrAdd(type, t =>
        {
            using var scope = services.CreateScope();
            return (scope.ServiceProvider.GetService(typeof(IValidator<>).MakeGenericType(
                t)) as IValidator)?.CreateDescriptor();
        });
}
