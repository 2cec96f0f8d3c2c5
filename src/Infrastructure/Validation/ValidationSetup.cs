using System.Globalization;
using System.Text.Json;
using FluentValidation;
using Microsoft.AspNetCore.Localization;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Template.Infrastructure.Validation.Messages;

namespace Template.Infrastructure.Validation;

/// <summary>
/// Validation-wide settings: the status of a failure, the cultures messages are answered in (chosen from
/// <c>Accept-Language</c>), the messages of the added rules, and field names as the client spells them.
/// </summary>
public static class ValidationSetup
{
    /// <summary>The one message catalogue, also FluentValidation's global language manager.</summary>
    public static ValidationMessages Messages { get; } = new();

    public static IServiceCollection AddRequestValidation(
        this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSettings<RequestValidationOptions, RequestValidationValidator>(RequestValidationOptions.Section);
        services.AddSingleton<IValidateOptions<RequestValidationOptions>, SupportedCulturesValidator>();
        services.AddSingleton(Messages);
        services.AddTransient<IStartupFilter, AddAreaMessages>();
        UseServiceConventions();

        services.AddOptions<RequestLocalizationOptions>()
            .Configure<IOptions<RequestValidationOptions>>((localization, settings) =>
        {
            var cultures = settings.Value.EffectiveCultures.Select(CultureInfo.GetCultureInfo).ToList();
            localization.DefaultRequestCulture = new RequestCulture(cultures[0]);
            localization.SupportedCultures = cultures;
            localization.SupportedUICultures = cultures;
            localization.FallBackToParentCultures = true;
            localization.FallBackToParentUICultures = true;
            localization.ApplyCurrentCultureToResponseHeaders = true;
            // Only Accept-Language: a query string or cookie would make the same request answer differently.
            localization.RequestCultureProviders = [new AcceptLanguageHeaderRequestCultureProvider()];
        });
        return services;
    }

    /// <summary>
    /// Every validator of the assembly. One without constructor parameters depends on nothing, so it is built once
    /// (a validator builds its rules in its constructor); one with dependencies is scoped, as they may be.
    /// </summary>
    public static IServiceCollection AddValidators(
        this IServiceCollection services, System.Reflection.Assembly assembly)
    {
        foreach (var found in AssemblyScanner.FindValidatorsInAssembly(assembly, includeInternalTypes: true))
        {
            var lifetime = found.ValidatorType.GetConstructors().All(c => c.GetParameters().Length == 0)
                ? ServiceLifetime.Singleton
                : ServiceLifetime.Scoped;
            services.Add(new ServiceDescriptor(found.InterfaceType, found.ValidatorType, lifetime));
            services.TryAdd(new ServiceDescriptor(found.ValidatorType, found.ValidatorType, lifetime));
        }

        return services;
    }

    /// <summary>
    /// Makes FluentValidation use the service's messages and call fields by their JSON names. FluentValidation keeps
    /// these process-wide, so every host (and a test of a single validator) sets the same values.
    /// </summary>
    public static void UseServiceConventions()
    {
        ValidatorOptions.Global.LanguageManager = Messages;
        ValidatorOptions.Global.DisplayNameResolver = (_, member, _) => member is null ? null : FieldName(member.Name);
    }

    /// <summary>
    /// Adds an area's messages, keyed by culture then error code, and its field names, keyed by culture then JSON name
    /// (<c>["de"]["customerEmail"] = "E-Mail-Adresse"</c>). They join the catalogue when the service starts; a field
    /// without a name for the current culture is called by its JSON name (<c>customerEmail</c>).
    /// </summary>
    public static IServiceCollection AddValidationMessages(
        this IServiceCollection services,
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> messages,
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>? fieldNames = null) =>
        services.Configure<ValidationMessageOptions>(catalogue =>
        {
            catalogue.Sets.Add(messages);
            catalogue.Sets.Add((fieldNames ?? new Dictionary<string, IReadOnlyDictionary<string, string>>())
                .ToDictionary(
                    c => c.Key,
                    c =>
                        (IReadOnlyDictionary<string, string>)c.Value.ToDictionary(n => FieldKey(n.Key), n => n.Value)));
        });

    private static string FieldName(string memberName) =>
        DisplayName(JsonNamingPolicy.CamelCase.ConvertName(memberName));

    /// <summary>
    /// The catalogue's message for <paramref name="code"/> about the value at <paramref name="jsonPath"/>, in the
    /// current
    /// culture, with its placeholders filled: what a failure found outside a validator says. The field is named by the
    /// path's last member (<c>lines[0].quantity</c> is "quantity", <c>lines[0]</c> is "lines[0]").
    /// </summary>
    public static string Message(string code, string jsonPath, params (string Name, object Value)[] arguments)
    {
        var field = jsonPath[(jsonPath.LastIndexOf('.') + 1)..];
        var formatter = new FluentValidation.Internal.MessageFormatter().AppendPropertyName(DisplayName(field));
        foreach (var (argument, value) in arguments)
        {
            formatter.AppendArgument(argument, Convert.ToString(value, CultureInfo.CurrentCulture)!);
        }

        return formatter.BuildMessage(Messages.GetString(code));
    }

    /// <summary>What messages call the field the client named <paramref name="jsonName"/>, in the current
    /// culture.</summary>
    private static string DisplayName(string jsonName) =>
        Messages.GetString(FieldKey(jsonName)) is { Length: > 0 } localized ? localized : jsonName;

    private static string FieldKey(string field) => $"field.{field}";

    /// <summary>The messages areas registered, for <see cref="AddAreaMessages"/>.</summary>
    public sealed class ValidationMessageOptions
    {
        public List<IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>> Sets { get; } = [];
    }

    // FluentValidation reads one process-wide catalogue; the areas' messages join it as the service starts.
    private sealed class AddAreaMessages(IOptions<ValidationMessageOptions> options) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next)
        {
            foreach (var (culture, messages) in options.Value.Sets.SelectMany(set => set))
            {
                foreach (var (key, message) in messages)
                {
                    Messages.AddTranslation(culture, key, message);
                }
            }

            return next;
        }
    }

    private sealed class SupportedCulturesValidator : IValidateOptions<RequestValidationOptions>
    {
        public ValidateOptionsResult Validate(string? name, RequestValidationOptions options)
        {
            var unknown = options.EffectiveCultures.Where(c => !IsKnown(c)).ToList();
            return unknown.Count == 0
                ? ValidateOptionsResult.Success
                : ValidateOptionsResult.Fail(
                    $"Validation:SupportedCultures names unknown cultures: {string.Join(", ", unknown)}.");
        }

        private static bool IsKnown(string culture)
        {
            try
            {
                return CultureInfo.GetCultureInfo(culture, predefinedOnly: true) is { } info && info.Name.Length > 0;
            }
            catch (CultureNotFoundException)
            {
                return false;
            }
        }
    }
}
