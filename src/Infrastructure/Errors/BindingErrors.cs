using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Text.RegularExpressions;
using FluentValidation.Validators;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.Options;
using Template.Infrastructure.Validation;

namespace Template.Infrastructure.Errors;

/// <summary>
/// Input the binder refused before any validator saw it: a JSON value of the wrong type or out of its type's range,
/// a query, route or header value that does not parse, a required one that is missing. Each becomes a validation
/// error keyed as the client sent it (<c>lines[0].quantity</c>, <c>page</c>) with the code <c>type</c> or
/// <c>required</c> and a message in the caller's language, never the .NET type the binder names.
/// </summary>
/// <remarks>
/// ASP.NET reports these as <see cref="BadHttpRequestException"/> with English messages; the parameter's name and
/// type are read from the message, whose format ASP.NET keeps stable (the tests would fail if it changed).
/// </remarks>
public static partial class BindingErrors
{
    public const string WrongTypeCode = "type";
    public const string RequiredCode = "required";
    public const string NotNullCode = "not_null";

    /// <summary>The refused input as validation errors, or null when the failure is not about one value.</summary>
    public static RequestValidationException? From(BadHttpRequestException exception, HttpContext http)
    {
        if (exception.StatusCode != StatusCodes.Status400BadRequest)
        {
            return null;
        }

        if (exception.InnerException is JsonException json && !IsSyntaxError(json))
        {
            var path = json.Path is { Length: > 1 } p && p.StartsWith('$') ? p.TrimStart('$').TrimStart('.') : "$";
            // A null where the member is declared non-nullable (JsonOptions respect the annotations).
            if (NullRefused().IsMatch(json.Message))
            {
                return One(
                    path, NotNullCode, ValidationSetup.Message(nameof(NotNullValidator<object, object>), path, []));
            }

            return One(path, WrongTypeCode, TypeMessage(path, TypeAt(http, json.Path ?? "$"), JsonOptions(http)));
        }

        if (FailedParameter().Match(exception.Message) is { Success: true } failed)
        {
            var name = AsSent(http, failed.Groups["name"].Value);
            return One(
                name, WrongTypeCode, TypeMessage(name, TypeNamed(failed.Groups["type"].Value), JsonOptions(http)));
        }

        if (MissingParameter().Match(exception.Message) is { Success: true } missing
            && missing.Groups["source"].Value != "body")
        {
            var name = AsSent(http, missing.Groups["name"].Value);
            return One(name, RequiredCode, ValidationSetup.Message(RequiredCode, name, []));
        }

        return null;
    }

    // The reader's own errors (a stray comma, an unclosed string) say nothing about a value: the body is not JSON.
    private static bool IsSyntaxError(JsonException json) =>
        json.InnerException?.GetType().Name == "JsonReaderException";

    private static RequestValidationException One(string key, string code, string message) =>
        new(new Dictionary<string, string[]>(StringComparer.Ordinal) { [key] = [message] },
            new Dictionary<string, string[]>(StringComparer.Ordinal) { [key] = [code] });

    /// <summary>The .NET type the body's JSON path leads to, found through the same contracts the binder
    /// used.</summary>
    private static Type? TypeAt(HttpContext http, string path)
    {
        // The exception handler runs with the endpoint cleared; its feature keeps the one that failed.
        var endpoint = http.Features.Get<IExceptionHandlerFeature>()?.Endpoint ?? http.GetEndpoint();
        var root = endpoint?.Metadata.GetMetadata<IAcceptsMetadata>()?.RequestType;
        if (root is null)
        {
            return null;
        }

        var options = JsonOptions(http);
        var type = root;
        foreach (Match segment in PathSegments().Matches(path))
        {
            var info = options.GetTypeInfo(Nullable.GetUnderlyingType(type) ?? type);
            if (segment.Groups["index"].Success)
            {
                type = info.ElementType;
            }
            else
            {
                var name = segment.Groups["name"].Success
                    ? segment.Groups["name"].Value
                    : segment.Groups["quoted"].Value.Replace("''", "'", StringComparison.Ordinal);
                var comparison = options.PropertyNameCaseInsensitive
                    ? StringComparison.OrdinalIgnoreCase
                    : StringComparison.Ordinal;
                type = info.Kind == JsonTypeInfoKind.Object
                    ? info.Properties.FirstOrDefault(p => string.Equals(p.Name, name, comparison))?.PropertyType
                    : null;
            }

            if (type is null)
            {
                return null;
            }
        }

        return type;
    }

    private static JsonSerializerOptions JsonOptions(HttpContext http) =>
        http.RequestServices.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>()
            .Value.SerializerOptions;

    // The binder names an [AsParameters] member by its .NET name (Page); the client sent page, or PAGE.
    private static string AsSent(HttpContext http, string name)
    {
        var routeValues = http.Features.Get<IExceptionHandlerFeature>()?.RouteValues ?? http.Request.RouteValues;
        foreach (var key in http.Request.Query.Keys.Concat(routeValues.Keys).Concat(http.Request.Headers.Keys))
        {
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase))
            {
                return key;
            }
        }

        return JsonNamingPolicy.CamelCase.ConvertName(name);
    }

    private static Type? TypeNamed(string displayName) => displayName.TrimEnd('?') switch
    {
        "int" or "Int32" => typeof(int),
        "long" or "Int64" => typeof(long),
        "short" or "Int16" => typeof(short),
        "byte" or "Byte" => typeof(byte),
        "uint" or "UInt32" => typeof(uint),
        "ulong" or "UInt64" => typeof(ulong),
        "decimal" or "Decimal" => typeof(decimal),
        "double" or "Double" => typeof(double),
        "float" or "Single" => typeof(float),
        "bool" or "Boolean" => typeof(bool),
        "Guid" => typeof(Guid),
        "DateTime" or "DateTimeOffset" or "DateOnly" => typeof(DateTimeOffset),
        _ => null,
    };

    private static string TypeMessage(string name, Type? type, JsonSerializerOptions options)
    {
        type = type is null ? null : Nullable.GetUnderlyingType(type) ?? type;
        if (type is not null && type.IsEnum)
        {
            // Named as the service writes them, whatever naming policy its enum converter has.
            var values =
                Enum.GetValues(type).Cast<object>().Select(v => JsonSerializer.Serialize(v, type, options).Trim('"'));
            return ValidationSetup.Message("type.enum", name, [("Values", string.Join(", ", values))]);
        }

        return Type.GetTypeCode(type) switch
        {
            TypeCode.Int32 => Integer(name, int.MinValue, int.MaxValue),
            TypeCode.Int64 => Integer(name, long.MinValue, long.MaxValue),
            TypeCode.Int16 => Integer(name, short.MinValue, short.MaxValue),
            TypeCode.Byte => Integer(name, byte.MinValue, byte.MaxValue),
            TypeCode.UInt32 => Integer(name, uint.MinValue, uint.MaxValue),
            TypeCode.UInt64 => Integer(name, 0, ulong.MaxValue),
            TypeCode.Decimal or TypeCode.Double or TypeCode.Single => ValidationSetup.Message("type.number", name, []),
            TypeCode.Boolean => ValidationSetup.Message("type.boolean", name, []),
            TypeCode.String => ValidationSetup.Message("type.string", name, []),
            TypeCode.DateTime => ValidationSetup.Message("type.date", name, []),
            _ when type == typeof(Guid) => ValidationSetup.Message("uuid", name, []),
            _ when type == typeof(DateTimeOffset) || type == typeof(DateOnly) =>
                ValidationSetup.Message("type.date", name, []),
            _ when type is not null && type != typeof(string)
                && typeof(System.Collections.IEnumerable).IsAssignableFrom(type) =>
                ValidationSetup.Message("type.array", name, []),
            _ when type is not null && type.IsClass => ValidationSetup.Message("type.object", name, []),
            _ => ValidationSetup.Message("type.value", name, []),
        };
    }

    private static string Integer(string name, object min, object max) =>
        ValidationSetup.Message("type.integer", name, [("Min", min), ("Max", max)]);

    [GeneratedRegex("doesn't allow (?:setting |getting )?null values")]
    private static partial Regex NullRefused();

    [GeneratedRegex(
        """^Failed to bind parameter "(?<type>\S+) (?<name>[^"]+)" from ".*"\.$""", RegexOptions.Singleline)]
    private static partial Regex FailedParameter();

    [GeneratedRegex("""^Required parameter "(?<type>\S+) (?<name>[^"]+)" was not provided from (?<source>[^.]+)\.$""")]
    private static partial Regex MissingParameter();

    // System.Text.Json's paths: .name, ['odd name'], [index].
    [GeneratedRegex("""\.(?<name>[^.\[]+)|\['(?<quoted>(?:[^']|'')*)'\]|\[(?<index>\d+)\]""")]
    private static partial Regex PathSegments();
}
