using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Template.Infrastructure.Validation;

/// <summary>Settings of request validation (<c>Validation</c> section).</summary>
public sealed class RequestValidationOptions
{
    public const string Section = "Validation";

    /// <summary>
    /// Status of a validation failure: 400 (the default, as ASP.NET answers) or 422 (Laravel's convention).
    /// Malformed requests (bad JSON, wrong types) stay 400 either way.
    /// </summary>
    [AllowedValues(400, 422)]
    public int StatusCode { get; set; } = 400;

    /// <summary>Cultures whose messages the service answers in, chosen from <c>Accept-Language</c>; the first is the
    /// fallback.</summary>
    public IList<string> SupportedCultures { get; } = [];

    public IReadOnlyList<string> EffectiveCultures =>
        SupportedCultures.Count > 0 ? [.. SupportedCultures] : ["en", "de", "fr", "es"];
}

[OptionsValidator]
internal sealed partial class RequestValidationValidator : IValidateOptions<RequestValidationOptions>;
