using System.Text;
using System.Text.Json;
using FluentValidation.Results;

namespace Template.Infrastructure.Validation;

/// <summary>Groups validation failures by the camelCase JSON path of the offending value.</summary>
public static class ValidationErrors
{
    public static IReadOnlyDictionary<string, string[]> ByJsonPath(IEnumerable<ValidationFailure> failures) =>
        Group(failures, f => f.ErrorMessage);

    /// <summary>The failures' stable codes, keyed like <see cref="ByJsonPath"/>.</summary>
    public static IReadOnlyDictionary<string, string[]> CodesByJsonPath(IEnumerable<ValidationFailure> failures) =>
        Group(failures, f => ToCode(f.ErrorCode));

    private static Dictionary<string, string[]> Group(
        IEnumerable<ValidationFailure> failures, Func<ValidationFailure, string> value) =>
        failures
            .GroupBy(f => ToJsonPath(f.PropertyName), StringComparer.Ordinal)
            .ToDictionary(
                g => g.Key, g => g.Select(value).Distinct(StringComparer.Ordinal).ToArray(), StringComparer.Ordinal);

    /// <summary>
    /// FluentValidation names its built-in codes after the validator class (<c>NotEmptyValidator</c>); clients get
    /// them in the same snake_case as the rules this service adds (<c>not_empty</c>). Codes set with
    /// <c>WithErrorCode</c> in another form are kept as they are.
    /// </summary>
    public static string ToCode(string? errorCode)
    {
        if (string.IsNullOrEmpty(errorCode))
        {
            return "invalid";
        }

        if (!errorCode.EndsWith("Validator", StringComparison.Ordinal))
        {
            return errorCode;
        }

        var name = errorCode[..^"Validator".Length];
        var code = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0)
            {
                code.Append('_');
            }

            code.Append(char.ToLowerInvariant(name[i]));
        }

        return code.ToString();
    }

    /// <summary>
    /// <c>Lines[0].Quantity</c> becomes <c>lines[0].quantity</c>, matching the web JSON naming policy
    /// the service binds with. A rule on the whole request (empty name) is keyed by <c>$</c>.
    /// </summary>
    public static string ToJsonPath(string propertyName)
    {
        if (string.IsNullOrEmpty(propertyName))
        {
            return "$";
        }

        var path = new StringBuilder(propertyName.Length);
        foreach (var segment in propertyName.Split('.'))
        {
            if (path.Length > 0)
            {
                path.Append('.');
            }

            var bracket = segment.IndexOf('[', StringComparison.Ordinal);
            var name = bracket < 0 ? segment : segment[..bracket];
            // A name that is not a C# member (a header such as If-Match, set with OverridePropertyName) stays as
            // written.
            path.Append(
                name.Contains('-', StringComparison.Ordinal) ? name : JsonNamingPolicy.CamelCase.ConvertName(name));
            if (bracket >= 0)
            {
                path.Append(segment.AsSpan(bracket));
            }
        }

        return path.ToString();
    }
}
