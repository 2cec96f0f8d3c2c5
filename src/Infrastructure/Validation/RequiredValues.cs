using System.Collections;
using System.Collections.Concurrent;
using System.Reflection;
using FluentValidation.Results;
using FluentValidation.Validators;
using Microsoft.AspNetCore.Http.Metadata;

namespace Template.Infrastructure.Validation;

/// <summary>
/// Finds nulls where the request's type does not allow them: a list, an element of a list, or an object that its
/// declaration says is never null (nullable reference annotations), at any depth. Validators cannot look inside a
/// null object or see a null element (FluentValidation skips both) and a handler would fail on them, so each is an
/// input error at its JSON path (<c>lines[0]</c>), code <c>not_null</c>. Strings and values are the validators' to
/// judge. Which members to look at is read once per type; a type with none costs nothing.
/// </summary>
/// <remarks>
/// System.Text.Json already refuses a null member the annotations forbid (the service's JSON options respect them),
/// but not a null element of a list, nor a member missing from the body: this check runs on the bound body.
/// </remarks>
public sealed class RequiredValues
{
    private static readonly ConcurrentDictionary<Type, Member[]> Plans = new();
    private const int MaxDepth = 32;

    private readonly Member[] members;

    private RequiredValues(Member[] members) => this.members = members;

    /// <summary>The checks for <paramref name="requestType"/>, or null when it has no member to check.</summary>
    public static RequiredValues? For(Type requestType)
    {
        var members = PlanFor(requestType);
        return members.Length == 0 ? null : new RequiredValues(members);
    }

    /// <summary>
    /// The endpoint filter every registered endpoint gets: it checks the argument bound from the body before the
    /// handler runs. An endpoint whose body has nothing to check gets no filter at all.
    /// </summary>
    public static EndpointFilterDelegate Filter(EndpointFilterFactoryContext context, EndpointFilterDelegate next)
    {
        var services = context.ApplicationServices.GetService<IServiceProviderIsService>();
        var parameters = context.MethodInfo.GetParameters();
        for (var index = 0; index < parameters.Length; index++)
        {
            var parameter = parameters[index];
            // The body is a parameter of its own, or a member of an [AsParameters] one (route, headers and body in one
            // type).
            var member = parameter.GetCustomAttribute<AsParametersAttribute>() is null
                ? null
                : parameter.ParameterType.GetProperties().FirstOrDefault(
                    p => p.GetCustomAttributes().OfType<IFromBodyMetadata>().Any());
            var body = member?.PropertyType ?? (IsBody(parameter, services) ? parameter.ParameterType : null);
            if (body is null || For(body) is not { } checks)
            {
                continue;
            }

            var at = index;
            return invocation =>
            {
                var argument = invocation.Arguments[at];
                if ((member is null ? argument : argument is null ? null : member.GetValue(argument)) is { } value)
                {
                    checks.ThrowIfAny(value);
                }

                return next(invocation);
            };
        }

        return next;
    }

    // As Minimal APIs infer it: [FromBody], or a class of the service's own that is bound from nowhere else.
    private static bool IsBody(ParameterInfo parameter, IServiceProviderIsService? services)
    {
        var attributes = parameter.GetCustomAttributes().ToList();
        if (attributes.OfType<IFromBodyMetadata>().Any())
        {
            return true;
        }

        var type = parameter.ParameterType;
        return !attributes.Any(a => a is IFromServiceMetadata or IFromRouteMetadata or IFromQueryMetadata
                or IFromHeaderMetadata or IFromFormMetadata or AsParametersAttribute)
            && type.IsClass && !type.IsAbstract && type != typeof(string)
            && type.Namespace is { } ns && !ns.StartsWith("System", StringComparison.Ordinal)
                && !ns.StartsWith("Microsoft", StringComparison.Ordinal)
            && services?.IsService(type) != true;
    }

    /// <summary>Throws the nulls found in <paramref name="request"/> as validation errors.</summary>
    public void ThrowIfAny(object request)
    {
        List<ValidationFailure>? failures = null;
        Visit(request, members, "", 0, ref failures);
        if (failures is not null)
        {
            throw new RequestValidationException(
                ValidationErrors.ByJsonPath(failures), ValidationErrors.CodesByJsonPath(failures));
        }
    }

    private static void Visit(
        object value, Member[] members, string path, int depth, ref List<ValidationFailure>? failures)
    {
        if (depth > MaxDepth)
        {
            return;
        }

        foreach (var member in members)
        {
            var memberPath = path.Length == 0 ? member.Property.Name : $"{path}.{member.Property.Name}";
            var memberValue = member.Property.GetValue(value);
            if (memberValue is null)
            {
                if (!member.Nullable)
                {
                    (failures ??= []).Add(Missing(memberPath));
                }

                continue;
            }

            if (member.Elements is { } elements)
            {
                var index = 0;
                foreach (var element in (IEnumerable)memberValue)
                {
                    var elementPath = $"{memberPath}[{index++}]";
                    if (element is null)
                    {
                        if (!elements.Nullable)
                        {
                            (failures ??= []).Add(Missing(elementPath));
                        }
                    }
                    else if (elements.Members.Length > 0)
                    {
                        Visit(element, elements.Members, elementPath, depth + 1, ref failures);
                    }
                }
            }
            else if (member.Members.Length > 0)
            {
                Visit(memberValue, member.Members, memberPath, depth + 1, ref failures);
            }
        }
    }

    private static ValidationFailure Missing(string path)
    {
        const string code = nameof(NotNullValidator<object, object>);
        return new ValidationFailure(
            path, ValidationSetup.Message(code, ValidationErrors.ToJsonPath(path))) { ErrorCode = code };
    }

    // The members worth a look: lists and objects (strings and values are the validators'), with what is inside them.
    private static Member[] PlanFor(Type type, int depth = 0) => depth > MaxDepth
        ? []
        : Plans.GetOrAdd(type, t => [.. t.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanRead && p.GetIndexParameters().Length == 0 && IsStructured(p.PropertyType))
            .Select(p => Describe(p, depth))
            .Where(m => !m.Nullable
                || m.Elements is { } e && (!e.Nullable || e.Members.Length > 0)
                || m.Members.Length > 0)]);

    private static Member Describe(PropertyInfo property, int depth)
    {
        // A context per call: NullabilityInfoContext is not thread-safe, and hosts build their endpoints in parallel.
        var info = new NullabilityInfoContext().Create(property);
        var nullable = info.ReadState != NullabilityState.NotNull;
        var elementType = ElementType(property.PropertyType);
        if (elementType is null)
        {
            return new Member(property, nullable, null, PlanFor(property.PropertyType, depth + 1));
        }

        var elementInfo = info.ElementType ?? info.GenericTypeArguments.LastOrDefault();
        var elementNullable = elementType.IsValueType
            ? Nullable.GetUnderlyingType(elementType) is not null
            : elementInfo?.ReadState != NullabilityState.NotNull;
        var inside = IsStructured(elementType) && ElementType(elementType) is null
            ? PlanFor(elementType, depth + 1)
            : [];
        return new Member(property, nullable, new Elements(elementNullable, inside), []);
    }

    private static bool IsStructured(Type type) =>
        !type.IsValueType && type != typeof(string) && type != typeof(object);

    private static Type? ElementType(Type type)
    {
        if (type == typeof(string))
        {
            return null;
        }

        if (type.IsArray)
        {
            return type.GetElementType();
        }

        var enumerable = type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IEnumerable<>)
            ? type
            : type.GetInterfaces().FirstOrDefault(
                i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>));
        return enumerable?.GetGenericArguments()[0];
    }

    private sealed record Member(PropertyInfo Property, bool Nullable, Elements? Elements, Member[] Members);

    private sealed record Elements(bool Nullable, Member[] Members);
}
