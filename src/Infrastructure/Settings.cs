using Microsoft.Extensions.Options;

namespace Template.Infrastructure;

/// <summary>
/// One configuration section bound to its options class and validated at start-up by the validator the options
/// source generator writes from the class's data annotations; every message names the key (<c>Http:MaxJsonDepth</c>).
/// </summary>
public static class Settings
{
    public static OptionsBuilder<TOptions> AddSettings<TOptions, TValidator>(
        this IServiceCollection services, string section)
        where TOptions : class
        where TValidator : class, IValidateOptions<TOptions>, new()
    {
        services.AddSingleton<IValidateOptions<TOptions>>(new KeyNamingValidator<TOptions>(new TValidator(), section));
        return services.AddOptionsWithValidateOnStart<TOptions>().BindConfiguration(section);
    }

    /// <summary>
    /// A section's values for a choice made while services are registered (which schemes, which job servers),
    /// validated there and then by the same validator, so a wrong value stops the start with the same message
    /// before anything is built from it. <paramref name="prepare"/> fills in what the options do after binding.
    /// </summary>
    public static TOptions ReadSettings<TOptions, TValidator>(
        this IConfiguration configuration, string section, Action<TOptions>? prepare = null)
        where TOptions : class, new()
        where TValidator : class, IValidateOptions<TOptions>, new() =>
        configuration.ReadSettings(section, new KeyNamingValidator<TOptions>(new TValidator(), section), prepare);

    /// <inheritdoc cref="ReadSettings{TOptions, TValidator}"/>
    public static TOptions ReadSettings<TOptions>(
        this IConfiguration configuration, string section, IValidateOptions<TOptions> validator,
        Action<TOptions>? prepare = null)
        where TOptions : class, new()
    {
        var options = configuration.GetSection(section).Get<TOptions>() ?? new TOptions();
        prepare?.Invoke(options);
        var result = validator.Validate(null, options);
        return result.Failed
            ? throw new OptionsValidationException(section, typeof(TOptions), result.Failures)
            : options;
    }

    // The generated validator names a member "<name>.<Member>"; given the section as the name, that is the key.
    private sealed class KeyNamingValidator<TOptions>(IValidateOptions<TOptions> generated, string section)
        : IValidateOptions<TOptions>
        where TOptions : class
    {
        public ValidateOptionsResult Validate(string? name, TOptions options)
        {
            var result = generated.Validate(section, options);
            return result.Failed
                ? ValidateOptionsResult.Fail(result.Failures.Select(
                    f => f.Replace(section + ".", section + ":", StringComparison.Ordinal)))
                : result;
        }
    }
}
